// Message payloads against the shared vectors: host requests are decoded and rendered the way
// test/unit/serial/render.ts renders them; device replies are encoded from the same fields.
#include <map>
#include <sstream>

#include "edgebench/messages.h"
#include "harness.h"
#include "vectors.h"

using namespace edgebench;

namespace {

std::string render_request(const FrameVector& v) {
  const uint8_t* p = v.payload.data();
  const size_t n = v.payload.size();
  std::ostringstream out;
  switch (static_cast<MsgType>(v.type)) {
    case MsgType::kHello: {
      uint8_t version = 0;
      if (!decode_hello(p, n, &version)) return "malformed";
      out << "HELLO version=" << static_cast<int>(version);
      break;
    }
    case MsgType::kModelBegin: {
      ModelBegin b{};
      if (!decode_model_begin(p, n, &b)) return "malformed";
      out << "MODEL_BEGIN size=" << b.size << " sha256=" << to_hex(b.sha256, 32);
      break;
    }
    case MsgType::kModelChunk: {
      Chunk c{};
      if (!decode_model_chunk(p, n, &c)) return "malformed";
      out << "MODEL_CHUNK offset=" << c.offset << " data=" << to_hex(c.data, c.size);
      break;
    }
    case MsgType::kModelEnd:
      out << "MODEL_END";
      break;
    case MsgType::kInput: {
      Chunk c{};
      if (!decode_input(p, n, &c)) return "malformed";
      out << "INPUT index=" << static_cast<int>(c.index) << " offset=" << c.offset << " data=" << to_hex(c.data, c.size);
      break;
    }
    case MsgType::kRun: {
      RunRequest r{};
      if (!decode_run(p, n, &r)) return "malformed";
      out << "RUN warmup=" << r.warmup << " runs=" << r.runs;
      break;
    }
    case MsgType::kReadOutput: {
      ReadOutput r{};
      if (!decode_read_output(p, n, &r)) return "malformed";
      out << "READ_OUTPUT index=" << static_cast<int>(r.index) << " offset=" << r.offset << " length=" << r.length;
      break;
    }
    case MsgType::kProfile: {
      ProfileRequest r{};
      if (!decode_profile(p, n, &r)) return "malformed";
      out << "PROFILE runs=" << r.runs;
      break;
    }
    default:
      return "not a request";
  }
  return out.str();
}

// The device replies of frames.txt, built with the C++ encoders from the fields written there.
std::string encode_reply(const std::string& name) {
  uint8_t buffer[kMaxPayloadBytes];
  Writer w(buffer, sizeof(buffer));
  if (name == "hello-ack-esp32s3") {
    ChipFacts f{"ESP32-S3 rev 0.2", "v5.3.1", "esp-tflite-micro 1.3.2", "edgebench-fw 1.0.0", 0, 2, 240,
                16U * 1024 * 1024, 8U * 1024 * 1024, 256U * 1024, 4U * 1024 * 1024};
    encode_hello_ack(f, 1, w);
  } else if (name == "hello-ack-v2") {
    ChipFacts f{"ESP32-S3 rev 0.2", "v5.3.1", "esp-tflite-micro 1.3.2", "edgebench-fw 2.0.0", 0, 2, 240,
                16U * 1024 * 1024, 8U * 1024 * 1024, 256U * 1024, 4U * 1024 * 1024};
    encode_hello_ack(f, 2, w);
  } else if (name == "error-version-from-v1-board") {
    encode_error(ErrorCode::kVersionMismatch, "The host sent protocol version 2 but this firmware speaks version 1; update the studio or reflash the firmware.", w);
  } else if (name == "progress-profiled") {
    encode_progress(kPhaseProfiled, 20, 20, w);
  } else if (name == "op-profile") {
    static OpProfile p{};
    p = OpProfile{};
    p.ticks_per_second = 1000000;
    p.runs = 20;
    p.count = 4;
    const char* names[4] = {"CONV_2D", "CONV_2D", "RESHAPE", "FULLY_CONNECTED"};
    const uint64_t ticks[4] = {5120, 17840, 60, 1380};
    for (int i = 0; i < 4; ++i) {
      p.names[i] = names[i];
      p.ticks[i] = ticks[i];
    }
    CHECK_EQ(op_profile_page_count(p, 0, kMaxPayloadBytes), 4);
    encode_op_profile(0, p, 0, 4, w);
  } else if (name == "op-profile-long-sum") {
    // A later page (first 4) of a 5-op profile, with a tick sum past 2^32.
    static OpProfile p{};
    p = OpProfile{};
    p.ticks_per_second = 240000000;
    p.runs = 1000;
    p.count = 5;
    p.names[4] = "DEPTHWISE_CONV_2D";
    p.ticks[4] = 6000000123ULL;
    encode_op_profile(kFlagSimulated, p, 4, 1, w);
  } else if (name == "ack") {
    encode_ack(8, w);
  } else if (name == "nak-bad-frame") {
    encode_nak(NakReason::kBadFrame, 4096, w);
  } else if (name == "nak-wrong-offset") {
    encode_nak(NakReason::kWrongOffset, 8192, w);
  } else if (name == "loaded") {
    ModelInfo info{};
    info.arena_used_bytes = 9984;
    info.arena_capacity_bytes = 262144;
    info.model_bytes = 37952;
    info.operators = 4;
    info.op_kind_count = 3;
    info.op_kinds[0] = "CONV_2D";
    info.op_kinds[1] = "RESHAPE";
    info.op_kinds[2] = "FULLY_CONNECTED";
    info.input_count = 1;
    info.inputs[0] = TensorDesc{0, 4, 3136, {1, 28, 28, 1}};
    info.output_count = 1;
    info.outputs[0] = TensorDesc{0, 2, 40, {1, 10}};
    encode_loaded(info, w);
  } else if (name == "progress") {
    encode_progress(1, 10, 20, w);
  } else if (name == "result") {
    const uint32_t latencies[3] = {1203, 1187, 1250};
    encode_result(0, 3, 0, 3, 201216, 198144, latencies, w);
  } else if (name == "output") {
    const uint8_t data[8] = {0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0};
    encode_output_header(0, 0, 8, w);
    w.bytes(data, sizeof(data));
  } else if (name == "log") {
    w.text("arena: 9984 of 262144 bytes used");
  } else if (name == "error-unsupported-op") {
    encode_error(ErrorCode::kUnsupportedOp,
                 "The model uses op 'SIN', which the firmware's op resolver lacks; replace it in the model or add it to main/op_resolver.cpp and reflash.", w);
  } else {
    return "no C++ encoder case for " + name;
  }
  return w.ok() ? to_hex(w.data(), w.size()) : "writer overflow";
}

}  // namespace

TEST("host requests in frames.txt decode to their rendered fields") {
  int checked = 0;
  for (const FrameVector& v : frame_vectors()) {
    if (v.type >= 0x80) continue;
    CHECK_EQ(render_request(v), v.decoded);
    ++checked;
  }
  CHECK_EQ(checked, 10);
}

TEST("device replies in frames.txt are what the C++ encoders write") {
  int checked = 0;
  for (const FrameVector& v : frame_vectors()) {
    if (v.type < 0x80) continue;
    CHECK_EQ(v.name + " " + encode_reply(v.name), v.name + " " + to_hex(v.payload));
    ++checked;
  }
  CHECK_EQ(checked, 15);
}

TEST("request decoders refuse short and over-long payloads") {
  const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  uint8_t version = 0;
  RunRequest run{};
  ReadOutput read{};
  ModelBegin begin{};
  CHECK(!decode_hello(bytes, 0, &version));
  CHECK(!decode_hello(bytes, 2, &version));
  CHECK(!decode_run(bytes, 5, &run));
  CHECK(!decode_run(bytes, 7, &run));
  CHECK(!decode_read_output(bytes, 8, &read));
  CHECK(!decode_model_begin(bytes, 8, &begin));
  ProfileRequest profile{};
  CHECK(!decode_profile(bytes, 1, &profile));
  CHECK(!decode_profile(bytes, 3, &profile));
}

TEST("Writer reports overflow instead of writing past its buffer") {
  uint8_t buffer[3] = {0, 0, 0};
  Writer w(buffer, 2);
  w.u32(0xAABBCCDD);
  CHECK(!w.ok());
  CHECK_EQ(static_cast<int>(buffer[2]), 0);
}
