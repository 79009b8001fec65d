#include "edgebench/device.h"

#include <cstdio>
#include <cstring>

#include "edgebench/tflite_check.h"

namespace edgebench {
namespace {

// PROGRESS at most this often during RUN: the host's watchdog waits a few times this long.
constexpr uint64_t kProgressEveryUs = 250000;
constexpr uint32_t kLatenciesPerPage = (kMaxPayloadBytes - kResultHeaderBytes) / 4;

}  // namespace

void Device::poll() {
  const size_t n = board_.read_bytes(rx_buffer_, sizeof(rx_buffer_));
  receive(rx_buffer_, n);
}

void Device::receive(const uint8_t* data, size_t size) {
  Frame frame{};
  for (size_t i = 0; i < size; ++i) {
    const DecodeStatus status = decoder_.push(data[i], &frame);
    if (status == DecodeStatus::kFrame) {
      synced_ = true;
      handle(frame);
    } else if (status == DecodeStatus::kInvalid && synced_) {
      // Before the host's first frame, stray bytes are line noise and need no answer.
      send_nak(kUnknownSeq, NakReason::kBadFrame, received_);
    }
  }
}

void Device::log(const char* text) {
  Writer w = payload_writer();
  w.text(text);
  send(MsgType::kLog, kUnknownSeq, w);
}

void Device::handle(const Frame& f) {
  if (!speaks_version(f.version)) {
    std::snprintf(message_, sizeof(message_),
                  "The host sent protocol version %u but this firmware speaks versions %u to %u; update the studio or reflash the firmware.",
                  f.version, kMinProtocolVersion, kProtocolVersion);
    version_ = kProtocolVersion;
    send_error(f.seq, ErrorCode::kVersionMismatch, message_);
    return;
  }
  version_ = f.version;
  switch (f.type) {
    case MsgType::kHello: return on_hello(f);
    case MsgType::kModelBegin: return on_model_begin(f);
    case MsgType::kModelChunk: return on_model_chunk(f);
    case MsgType::kModelEnd: return on_model_end(f);
    case MsgType::kInput: return on_input(f);
    case MsgType::kRun: return on_run(f);
    case MsgType::kReadOutput: return on_read_output(f);
    case MsgType::kProfile:
      if (f.version >= 2) return on_profile(f);
      [[fallthrough]];  // a v1 session has no PROFILE: answered as v1 firmware answers any unknown type
    default:
      std::snprintf(message_, sizeof(message_), "Message type 0x%02X is not a request this firmware knows; update the firmware.",
                    static_cast<unsigned>(f.type));
      send_error(f.seq, ErrorCode::kBadRequest, message_);
  }
}

void Device::on_hello(const Frame& f) {
  uint8_t version = 0;
  if (!decode_hello(f.payload, f.length, &version)) return send_error(f.seq, ErrorCode::kBadRequest, "The HELLO payload is malformed.");
  if (version != f.version) {
    std::snprintf(message_, sizeof(message_),
                  "The host asked for protocol version %u in a version %u frame; this firmware speaks versions %u to %u. Update the studio or reflash the firmware.",
                  version, f.version, kMinProtocolVersion, kProtocolVersion);
    return send_error(f.seq, ErrorCode::kVersionMismatch, message_);
  }
  Writer w = payload_writer();
  encode_hello_ack(board_.chip_facts(), version, w);
  send(MsgType::kHelloAck, f.seq, w);
}

void Device::on_model_begin(const Frame& f) {
  ModelBegin begin{};
  if (!decode_model_begin(f.payload, f.length, &begin)) return send_error(f.seq, ErrorCode::kBadRequest, "The MODEL_BEGIN payload is malformed.");
  const bool same = model_ != nullptr && begin.size == model_size_ && std::memcmp(begin.sha256, expected_sha_, 32) == 0;
  // The same model again resumes where it stopped (or is already complete): nothing is resent.
  if (same && state_ != DeviceState::kIdle) return send_ack(f.seq, received_);
  const uint32_t capacity = board_.chip_facts().model_capacity_bytes;
  if (begin.size > capacity) {
    std::snprintf(message_, sizeof(message_),
                  "The model is %u bytes but this board holds at most %u bytes; use a smaller or quantized model.",
                  static_cast<unsigned>(begin.size), static_cast<unsigned>(capacity));
    return send_error(f.seq, ErrorCode::kModelTooBig, message_);
  }
  drop_model();
  model_ = board_.allocate_model(begin.size);
  if (model_ == nullptr) {
    std::snprintf(message_, sizeof(message_),
                  "The board could not allocate %u bytes for the model (free heap %u bytes); use a smaller model or a board with PSRAM.",
                  static_cast<unsigned>(begin.size), static_cast<unsigned>(board_.free_heap()));
    return send_error(f.seq, ErrorCode::kModelTooBig, message_);
  }
  model_size_ = begin.size;
  std::memcpy(expected_sha_, begin.sha256, 32);
  hasher_.reset();
  received_ = 0;
  state_ = DeviceState::kReceiving;
  send_ack(f.seq, 0);
}

void Device::on_model_chunk(const Frame& f) {
  Chunk chunk{};
  if (!decode_model_chunk(f.payload, f.length, &chunk)) return send_error(f.seq, ErrorCode::kBadRequest, "The MODEL_CHUNK payload is malformed.");
  if (state_ != DeviceState::kReceiving) return send_error(f.seq, ErrorCode::kBadState, "A model chunk arrived before MODEL_BEGIN; start the upload again.");
  if (chunk.offset != received_) return send_nak(f.seq, NakReason::kWrongOffset, received_);
  if (chunk.size > model_size_ - received_) {
    std::snprintf(message_, sizeof(message_), "A chunk at offset %u runs past the announced model size of %u bytes.",
                  static_cast<unsigned>(chunk.offset), static_cast<unsigned>(model_size_));
    return send_error(f.seq, ErrorCode::kBadRequest, message_);
  }
  std::memcpy(model_ + received_, chunk.data, chunk.size);
  hasher_.update(chunk.data, chunk.size);
  received_ += chunk.size;
  send_ack(f.seq, received_);
}

void Device::on_model_end(const Frame& f) {
  if (f.length != 0) return send_error(f.seq, ErrorCode::kBadRequest, "The MODEL_END payload must be empty.");
  if (state_ == DeviceState::kLoaded) {
    Writer w = payload_writer();
    encode_loaded(info_, w);
    return send(MsgType::kLoaded, f.seq, w);
  }
  if (state_ != DeviceState::kReceiving) return send_error(f.seq, ErrorCode::kBadState, "MODEL_END arrived before MODEL_BEGIN; start the upload again.");
  if (received_ != model_size_) return send_nak(f.seq, NakReason::kWrongOffset, received_);
  uint8_t digest[32];
  hasher_.finish(digest);
  if (std::memcmp(digest, expected_sha_, 32) != 0) {
    drop_model();
    return send_error(f.seq, ErrorCode::kShaMismatch, "The model's SHA-256 does not match what MODEL_BEGIN announced; upload it again.");
  }
  if (!check_tflite(model_, model_size_, message_, sizeof(message_))) {
    drop_model();
    return send_error(f.seq, ErrorCode::kSchema, message_);
  }
  info_ = ModelInfo{};
  message_[0] = '\0';
  const ErrorCode code = board_.load_model(model_, model_size_, &info_, message_, sizeof(message_));
  if (code != ErrorCode::kNone) {
    drop_model();
    return send_error(f.seq, code, message_);
  }
  state_ = DeviceState::kLoaded;
  Writer w = payload_writer();
  encode_loaded(info_, w);
  send(MsgType::kLoaded, f.seq, w);
}

void Device::on_input(const Frame& f) {
  Chunk chunk{};
  if (!decode_input(f.payload, f.length, &chunk)) return send_error(f.seq, ErrorCode::kBadRequest, "The INPUT payload is malformed.");
  if (state_ != DeviceState::kLoaded) return send_error(f.seq, ErrorCode::kNoModel, "No model is loaded; upload one before sending inputs.");
  if (chunk.index >= info_.input_count) {
    std::snprintf(message_, sizeof(message_), "The model has %u input(s); there is no input %u.", info_.input_count, chunk.index);
    return send_error(f.seq, ErrorCode::kInputSize, message_);
  }
  const uint32_t bytes = info_.inputs[chunk.index].bytes;
  if (chunk.offset > bytes || chunk.size > bytes - chunk.offset) {
    std::snprintf(message_, sizeof(message_), "Input %u holds %u bytes; %u bytes at offset %u do not fit.", chunk.index,
                  static_cast<unsigned>(bytes), static_cast<unsigned>(chunk.size), static_cast<unsigned>(chunk.offset));
    return send_error(f.seq, ErrorCode::kInputSize, message_);
  }
  std::memcpy(board_.input_data(chunk.index) + chunk.offset, chunk.data, chunk.size);
  send_ack(f.seq, chunk.offset + chunk.size);
}

bool Device::invoke_all(uint16_t seq, uint8_t phase, uint32_t count, bool timed) {
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t start = board_.clock_us();
    if (!board_.invoke(message_, sizeof(message_))) {
      send_error(seq, ErrorCode::kInvokeFailed, message_);
      return false;
    }
    const uint64_t end = board_.clock_us();
    if (timed) latencies_us_[i] = static_cast<uint32_t>(end - start);
    if (end - last_progress_us_ >= kProgressEveryUs || i + 1 == count) {
      last_progress_us_ = end;
      Writer w = payload_writer();
      encode_progress(phase, i + 1, count, w);
      send(MsgType::kProgress, seq, w);
    }
  }
  return true;
}

void Device::on_run(const Frame& f) {
  RunRequest run{};
  if (!decode_run(f.payload, f.length, &run)) return send_error(f.seq, ErrorCode::kBadRequest, "The RUN payload is malformed.");
  if (state_ != DeviceState::kLoaded) return send_error(f.seq, ErrorCode::kNoModel, "No model is loaded; upload one before RUN.");
  if (run.runs == 0 || run.runs > kMaxRuns) {
    std::snprintf(message_, sizeof(message_), "RUN asked for %u timed runs; this firmware takes 1 to %u per RUN.",
                  static_cast<unsigned>(run.runs), static_cast<unsigned>(kMaxRuns));
    return send_error(f.seq, ErrorCode::kTooManyRuns, message_);
  }
  last_progress_us_ = board_.clock_us();
  if (!invoke_all(f.seq, kPhaseWarmup, run.warmup, false) || !invoke_all(f.seq, kPhaseTimed, run.runs, true)) return;
  const uint32_t free_heap = board_.free_heap();
  const uint32_t min_free_heap = board_.min_free_heap();
  for (uint32_t first = 0; first < run.runs; first += kLatenciesPerPage) {
    const uint32_t left = run.runs - first;
    const uint16_t count = static_cast<uint16_t>(left < kLatenciesPerPage ? left : kLatenciesPerPage);
    Writer w = payload_writer();
    encode_result(board_.chip_facts().flags, run.runs, first, count, free_heap, min_free_heap, latencies_us_, w);
    send(MsgType::kResult, f.seq, w);
  }
}

void Device::on_profile(const Frame& f) {
  ProfileRequest request{};
  if (!decode_profile(f.payload, f.length, &request)) return send_error(f.seq, ErrorCode::kBadRequest, "The PROFILE payload is malformed.");
  if (state_ != DeviceState::kLoaded) return send_error(f.seq, ErrorCode::kNoModel, "No model is loaded; upload one before PROFILE.");
  if (request.runs == 0) return send_error(f.seq, ErrorCode::kTooManyRuns, "PROFILE asked for 0 runs; ask for 1 to 65535.");
  const uint32_t ticks_per_second = board_.profiler_ticks_per_second();
  if (ticks_per_second == 0) {
    return send_error(f.seq, ErrorCode::kBadRequest, "This firmware was built without the per-op profiler; rebuild it from resources/firmware/esp32-tflm.");
  }
  profile_ = OpProfile{};
  profile_.ticks_per_second = ticks_per_second;
  profile_.runs = request.runs;
  last_progress_us_ = board_.clock_us();
  for (uint16_t i = 0; i < request.runs; ++i) {
    if (!board_.invoke_profiled(&profile_, message_, sizeof(message_))) return send_error(f.seq, ErrorCode::kInvokeFailed, message_);
    const uint64_t now = board_.clock_us();
    if (now - last_progress_us_ >= kProgressEveryUs || i + 1 == request.runs) {
      last_progress_us_ = now;
      Writer w = payload_writer();
      encode_progress(kPhaseProfiled, i + 1U, request.runs, w);
      send(MsgType::kProgress, f.seq, w);
    }
  }
  if (profile_.count == 0) {
    // TFLM only emits per-op events when built without TF_LITE_STRIP_ERROR_STRINGS.
    return send_error(f.seq, ErrorCode::kBadRequest,
                      "TensorFlow Lite Micro reported no per-op events (it was built with TF_LITE_STRIP_ERROR_STRINGS); rebuild the firmware without it for per-op time.");
  }
  if (profile_.overflowed) {
    std::snprintf(message_, sizeof(message_), "The model ran more than %u profiler events per invoke; the profile keeps the first %u.",
                  static_cast<unsigned>(kMaxProfiledOps), static_cast<unsigned>(kMaxProfiledOps));
    log(message_);
  }
  const uint8_t flags = board_.chip_facts().flags;
  uint16_t first = 0;
  do {
    const uint16_t count = op_profile_page_count(profile_, first, kMaxPayloadBytes);
    Writer w = payload_writer();
    encode_op_profile(flags, profile_, first, count, w);
    send(MsgType::kOpProfile, f.seq, w);
    first = static_cast<uint16_t>(first + count);
  } while (first < profile_.count);
}

void Device::on_read_output(const Frame& f) {
  ReadOutput read{};
  if (!decode_read_output(f.payload, f.length, &read)) return send_error(f.seq, ErrorCode::kBadRequest, "The READ_OUTPUT payload is malformed.");
  if (state_ != DeviceState::kLoaded) return send_error(f.seq, ErrorCode::kNoModel, "No model is loaded; upload one and RUN it first.");
  if (read.index >= info_.output_count) {
    std::snprintf(message_, sizeof(message_), "The model has %u output(s); there is no output %u.", info_.output_count, read.index);
    return send_error(f.seq, ErrorCode::kBadRequest, message_);
  }
  const uint32_t total = info_.outputs[read.index].bytes;
  const uint32_t offset = read.offset < total ? read.offset : total;
  uint32_t length = total - offset;
  if (read.length < length) length = read.length;
  if (length > kMaxChunkBytes) length = kMaxChunkBytes;
  Writer w = payload_writer();
  encode_output_header(read.index, offset, total, w);
  static_assert(kOutputHeaderBytes + kMaxChunkBytes <= kMaxPayloadBytes, "an OUTPUT page must fit one frame");
  w.bytes(board_.output_data(read.index) + offset, length);
  send(MsgType::kOutput, f.seq, w);
}

void Device::send(MsgType type, uint16_t seq, const Writer& payload) {
  const size_t n = encode_frame(type, seq, payload.data(), static_cast<uint32_t>(payload.size()), tx_scratch_,
                                sizeof(tx_scratch_), tx_wire_, sizeof(tx_wire_), version_);
  if (n > 0) board_.write_bytes(tx_wire_, n);
}

void Device::send_error(uint16_t seq, ErrorCode code, const char* message) {
  // The message may live in message_, which the payload writer does not touch.
  Writer w = payload_writer();
  encode_error(code, message, w);
  send(MsgType::kError, seq, w);
}

void Device::send_ack(uint16_t seq, uint32_t next_offset) {
  Writer w = payload_writer();
  encode_ack(next_offset, w);
  send(MsgType::kAck, seq, w);
}

void Device::send_nak(uint16_t seq, NakReason reason, uint32_t expected_offset) {
  Writer w = payload_writer();
  encode_nak(reason, expected_offset, w);
  send(MsgType::kNak, seq, w);
}

void Device::drop_model() {
  if (model_ != nullptr || state_ != DeviceState::kIdle) board_.release_model();
  model_ = nullptr;
  model_size_ = 0;
  received_ = 0;
  state_ = DeviceState::kIdle;
}

}  // namespace edgebench
