// The device core through the fake board: a whole session, and each way it can go wrong.
#include <string>
#include <vector>

#include "edgebench/device.h"
#include "edgebench/framing.h"
#include "edgebench/sha256.h"
#include "fake_board.h"
#include "harness.h"
#include "vectors.h"

using namespace edgebench;

namespace {

struct Reply {
  MsgType type;
  uint16_t seq;
  Bytes payload;
  uint8_t version = 0;
};

uint32_t u32_at(const Bytes& b, size_t at) {
  return static_cast<uint32_t>(b[at]) | static_cast<uint32_t>(b[at + 1]) << 8 | static_cast<uint32_t>(b[at + 2]) << 16 |
         static_cast<uint32_t>(b[at + 3]) << 24;
}
void put_u32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// The host side of a test: sends requests, collects the replies the device wrote.
struct Session {
  FakeBoard board;
  Device device{board};
  uint16_t seq = 0;
  // The host's frame version: 1 is a studio from before v2 (the tests written for v1 still pass as they were).
  uint8_t version = 1;

  Bytes wire(MsgType type, const Bytes& payload) {
    static uint8_t scratch[kMaxFrameBytes];
    static uint8_t out[kMaxEncodedBytes + 2];
    const size_t n = encode_frame(type, ++seq, payload.data(), static_cast<uint32_t>(payload.size()), scratch, sizeof(scratch), out, sizeof(out), version);
    return Bytes(out, out + n);
  }
  std::vector<Reply> feed(const Bytes& bytes) {
    device.receive(bytes.data(), bytes.size());
    std::vector<Reply> replies;
    FrameDecoder decoder;
    for (uint8_t byte : board.written) {
      Frame f{};
      if (decoder.push(byte, &f) == DecodeStatus::kFrame) replies.push_back({f.type, f.seq, Bytes(f.payload, f.payload + f.length), f.version});
    }
    board.written.clear();
    return replies;
  }
  std::vector<Reply> send(MsgType type, const Bytes& payload) { return feed(wire(type, payload)); }
  Reply one(MsgType type, const Bytes& payload) {
    std::vector<Reply> replies = send(type, payload);
    CHECK_EQ(replies.size(), 1U);
    return replies.empty() ? Reply{MsgType::kError, 0, {}} : replies.front();
  }
  Bytes begin_payload(const Bytes& model) {
    Bytes p;
    put_u32(p, static_cast<uint32_t>(model.size()));
    uint8_t digest[32];
    Sha256 sha;
    sha.update(model.data(), model.size());
    sha.finish(digest);
    p.insert(p.end(), digest, digest + 32);
    return p;
  }
  Bytes chunk(const Bytes& model, uint32_t offset, uint32_t size) {
    Bytes p;
    put_u32(p, offset);
    p.insert(p.end(), model.begin() + offset, model.begin() + offset + size);
    return p;
  }
  // Uploads the whole model in 4 KiB chunks and returns MODEL_END's reply.
  Reply upload(const Bytes& model) {
    Reply ack = one(MsgType::kModelBegin, begin_payload(model));
    CHECK(ack.type == MsgType::kAck);
    for (uint32_t at = u32_at(ack.payload, 0); at < model.size();) {
      const uint32_t size = std::min<uint32_t>(kMaxChunkBytes, static_cast<uint32_t>(model.size()) - at);
      Reply r = one(MsgType::kModelChunk, chunk(model, at, size));
      CHECK(r.type == MsgType::kAck);
      at = u32_at(r.payload, 0);
    }
    return one(MsgType::kModelEnd, {});
  }
};

std::string text_of(const Reply& r) { return std::string(r.payload.begin() + 2, r.payload.end()); }
uint16_t error_code(const Reply& r) { return static_cast<uint16_t>(r.payload[0] | r.payload[1] << 8); }

Bytes demo_model() { return read_file(vector_dir() + "/../../../resources/models/demo-mnist.tflite"); }

}  // namespace

TEST("HELLO is answered with HELLO_ACK carrying the board's facts and limits") {
  Session s;
  Reply r = s.one(MsgType::kHello, {1});
  CHECK(r.type == MsgType::kHelloAck);
  CHECK_EQ(r.seq, 1);
  CHECK_EQ(static_cast<int>(r.payload[0]), 1);
  CHECK_EQ(static_cast<int>(r.version), 1);
  CHECK_EQ(u32_at(r.payload, 6), kMaxChunkBytes);
  CHECK_EQ(u32_at(r.payload, 10), kMaxRuns);
}

TEST("HELLO for a protocol version this firmware does not speak (3) gets an ERROR that says what to do") {
  Session s;
  s.version = 3;
  Reply r = s.one(MsgType::kHello, {3});
  CHECK(r.type == MsgType::kError);
  CHECK_EQ(error_code(r), static_cast<uint16_t>(ErrorCode::kVersionMismatch));
  CHECK(text_of(r).find("speaks versions 1 to 2; update the studio or reflash") != std::string::npos);
  // A HELLO whose payload and header disagree is refused too.
  s.version = 1;
  Reply mixed = s.one(MsgType::kHello, {2});
  CHECK_EQ(error_code(mixed), static_cast<uint16_t>(ErrorCode::kVersionMismatch));
}

TEST("v2: HELLO {2} in a v2 frame is answered in v2, and PROFILE returns each op's ticks summed over the runs") {
  Session s;
  s.version = 2;
  Reply hello = s.one(MsgType::kHello, {2});
  CHECK(hello.type == MsgType::kHelloAck);
  CHECK_EQ(static_cast<int>(hello.payload[0]), 2);
  CHECK_EQ(static_cast<int>(hello.version), 2);
  CHECK(s.upload(demo_model()).type == MsgType::kLoaded);
  std::vector<Reply> replies = s.send(MsgType::kProfile, {20, 0});
  CHECK_EQ(replies.size(), 2U);
  if (replies.size() != 2) return;
  CHECK(replies[0].type == MsgType::kProgress);
  CHECK_EQ(static_cast<int>(replies[0].payload[0]), static_cast<int>(kPhaseProfiled));
  const Reply& page = replies[1];
  CHECK(page.type == MsgType::kOpProfile);
  CHECK_EQ(static_cast<int>(page.version), 2);
  CHECK_EQ(u32_at(page.payload, 1), 1000000U);                              // ticks per second
  CHECK_EQ(static_cast<int>(page.payload[5] | page.payload[6] << 8), 20);    // runs
  CHECK_EQ(static_cast<int>(page.payload[7] | page.payload[8] << 8), 4);     // total ops
  CHECK_EQ(static_cast<int>(page.payload[11] | page.payload[12] << 8), 4);   // count
  // Entry 1: index 1, ticks 20 × 892, "CONV_2D".
  const size_t second = kOpProfileHeaderBytes + op_profile_entry_bytes("CONV_2D");
  CHECK_EQ(static_cast<int>(page.payload[second] | page.payload[second + 1] << 8), 1);
  CHECK_EQ(u32_at(page.payload, second + 2), 20U * 892U);
  CHECK_EQ(std::string(page.payload.begin() + second + 11, page.payload.begin() + second + 18), std::string("CONV_2D"));
  CHECK_EQ(s.board.invokes, 20);
}

TEST("v2: a long profile is sent in several OP_PROFILE pages, each within one frame, covering every op once") {
  Session s;
  s.version = 2;
  s.board.op_names.assign(kMaxProfiledOps, "UNIDIRECTIONAL_SEQUENCE_LSTM");
  CHECK(s.upload(demo_model()).type == MsgType::kLoaded);
  std::vector<Reply> replies = s.send(MsgType::kProfile, {2, 0});
  uint32_t covered = 0;
  int pages = 0;
  for (const Reply& r : replies) {
    if (r.type != MsgType::kOpProfile) continue;
    ++pages;
    CHECK(r.payload.size() <= kMaxPayloadBytes);
    CHECK_EQ(static_cast<uint32_t>(r.payload[9] | r.payload[10] << 8), covered);  // first
    covered += static_cast<uint32_t>(r.payload[11] | r.payload[12] << 8);
  }
  CHECK(pages > 1);
  CHECK_EQ(covered, static_cast<uint32_t>(kMaxProfiledOps));
}

TEST("v1 interop: PROFILE in a v1 frame is an unknown request, as v1 firmware answers it; a build without a profiler says so") {
  Session s;
  CHECK(s.upload(demo_model()).type == MsgType::kLoaded);
  Reply v1 = s.one(MsgType::kProfile, {5, 0});
  CHECK_EQ(error_code(v1), static_cast<uint16_t>(ErrorCode::kBadRequest));
  CHECK_EQ(static_cast<int>(v1.version), 1);
  CHECK(text_of(v1).find("not a request this firmware knows") != std::string::npos);
  s.version = 2;
  s.board.op_names.clear();
  std::vector<Reply> after = s.send(MsgType::kProfile, {1, 0});  // PROGRESS, then the refusal
  CHECK_EQ(after.size(), 2U);
  const Reply silent = after.empty() ? Reply{MsgType::kAck, 0, {0, 0}} : after.back();
  CHECK(silent.type == MsgType::kError);
  CHECK_EQ(error_code(silent), static_cast<uint16_t>(ErrorCode::kBadRequest));
  CHECK(text_of(silent).find("no per-op events") != std::string::npos);
  s.board.invokes = 0;
  s.board.profiler_tps = 0;
  Reply none = s.one(MsgType::kProfile, {5, 0});
  CHECK_EQ(error_code(none), static_cast<uint16_t>(ErrorCode::kBadRequest));
  CHECK(text_of(none).find("without the per-op profiler") != std::string::npos);
  CHECK_EQ(s.board.invokes, 0);
}

TEST("boot noise before the first frame gets no reply; after it, a damaged frame gets NAK(bad frame)") {
  Session s;
  const Bytes noise = parse_hex("41424344000a0d00");
  CHECK_EQ(s.feed(noise).size(), 0U);
  s.one(MsgType::kHello, {kProtocolVersion});
  Bytes damaged = s.wire(MsgType::kHello, {kProtocolVersion});
  uint8_t& crc_byte = damaged[damaged.size() - 2];
  crc_byte ^= crc_byte == 0x80 ? 0x40 : 0x80;  // never turns into a 0x00 delimiter
  std::vector<Reply> replies = s.feed(damaged);
  CHECK_EQ(replies.size(), 1U);
  if (!replies.empty()) {
    CHECK(replies[0].type == MsgType::kNak);
    CHECK_EQ(replies[0].seq, kUnknownSeq);
    CHECK_EQ(static_cast<int>(replies[0].payload[0]), static_cast<int>(NakReason::kBadFrame));
  }
}

TEST("the demo model uploads, loads, runs and returns its output") {
  Session s;
  const Bytes model = demo_model();
  Reply loaded = s.upload(model);
  CHECK(loaded.type == MsgType::kLoaded);
  CHECK_EQ(u32_at(loaded.payload, 0), 9984U);
  CHECK_EQ(u32_at(loaded.payload, 8), static_cast<uint32_t>(model.size()));
  CHECK(s.board.model == model);

  Bytes input = {0};
  put_u32(input, 0);
  for (int i = 0; i < 40; ++i) input.push_back(static_cast<uint8_t>(i + 1));
  Reply ack = s.one(MsgType::kInput, input);
  CHECK(ack.type == MsgType::kAck);
  CHECK_EQ(u32_at(ack.payload, 0), 40U);

  Bytes run = {2, 0};  // warmup 2
  put_u32(run, 20);
  std::vector<Reply> replies = s.send(MsgType::kRun, run);
  CHECK(replies.size() >= 2);
  const Reply& result = replies.back();
  CHECK(result.type == MsgType::kResult);
  CHECK_EQ(u32_at(result.payload, 1), 20U);                         // total runs
  CHECK_EQ(static_cast<int>(result.payload[9] | result.payload[10] << 8), 20);  // count
  CHECK_EQ(u32_at(result.payload, 11), 200000U);                    // free heap
  CHECK_EQ(u32_at(result.payload, 15), 200000U - 2048);             // min free heap
  CHECK_EQ(u32_at(result.payload, 19), 1200U + 3);                  // first timed invoke is the 3rd
  CHECK_EQ(s.board.invokes, 22);
  CHECK(replies[replies.size() - 2].type == MsgType::kProgress);

  Bytes read = {0};
  put_u32(read, 0);
  put_u32(read, 4096);
  Reply out = s.one(MsgType::kReadOutput, read);
  CHECK(out.type == MsgType::kOutput);
  CHECK_EQ(u32_at(out.payload, 5), 40U);
  CHECK_EQ(to_hex(Bytes(out.payload.begin() + 9, out.payload.end())), to_hex(Bytes(input.begin() + 5, input.end())));
}

TEST("a chunk at the wrong offset gets NAK with the offset the device expects") {
  Session s;
  const Bytes model = demo_model();
  s.one(MsgType::kModelBegin, s.begin_payload(model));
  s.one(MsgType::kModelChunk, s.chunk(model, 0, 4096));
  Reply nak = s.one(MsgType::kModelChunk, s.chunk(model, 8192, 4096));
  CHECK(nak.type == MsgType::kNak);
  CHECK_EQ(static_cast<int>(nak.payload[0]), static_cast<int>(NakReason::kWrongOffset));
  CHECK_EQ(u32_at(nak.payload, 1), 4096U);
}

TEST("MODEL_BEGIN for the same model resumes from the bytes already received") {
  Session s;
  const Bytes model = demo_model();
  s.one(MsgType::kModelBegin, s.begin_payload(model));
  s.one(MsgType::kModelChunk, s.chunk(model, 0, 4096));
  s.one(MsgType::kModelChunk, s.chunk(model, 4096, 4096));
  Reply resumed = s.one(MsgType::kModelBegin, s.begin_payload(model));
  CHECK(resumed.type == MsgType::kAck);
  CHECK_EQ(u32_at(resumed.payload, 0), 8192U);
  CHECK(s.upload(model).type == MsgType::kLoaded);
}

TEST("MODEL_END before every byte arrived gets NAK with the missing offset") {
  Session s;
  const Bytes model = demo_model();
  s.one(MsgType::kModelBegin, s.begin_payload(model));
  s.one(MsgType::kModelChunk, s.chunk(model, 0, 4096));
  Reply nak = s.one(MsgType::kModelEnd, {});
  CHECK(nak.type == MsgType::kNak);
  CHECK_EQ(u32_at(nak.payload, 1), 4096U);
}

TEST("a model larger than the store is refused at MODEL_BEGIN with both sizes") {
  Session s;
  s.board.model_capacity = 16 * 1024;
  const Bytes model = demo_model();
  Reply r = s.one(MsgType::kModelBegin, s.begin_payload(model));
  CHECK(r.type == MsgType::kError);
  CHECK_EQ(error_code(r), static_cast<uint16_t>(ErrorCode::kModelTooBig));
  CHECK(text_of(r).find("holds at most 16384 bytes") != std::string::npos);
}

TEST("bytes that do not hash to the announced SHA-256 are refused and dropped") {
  Session s;
  Bytes model = demo_model();
  const Bytes begin = s.begin_payload(model);
  model[100] ^= 0xFF;
  s.one(MsgType::kModelBegin, begin);
  for (uint32_t at = 0; at < model.size(); at += kMaxChunkBytes) {
    s.one(MsgType::kModelChunk, s.chunk(model, at, std::min<uint32_t>(kMaxChunkBytes, static_cast<uint32_t>(model.size()) - at)));
  }
  Reply r = s.one(MsgType::kModelEnd, {});
  CHECK_EQ(error_code(r), static_cast<uint16_t>(ErrorCode::kShaMismatch));
  CHECK(s.device.state() == DeviceState::kIdle);
}

TEST("a file that is not a .tflite, or has another schema version, is refused before the interpreter") {
  Session s;
  Bytes junk(64, 0x41);
  Reply r = s.upload(junk);
  CHECK_EQ(error_code(r), static_cast<uint16_t>(ErrorCode::kSchema));
  CHECK(text_of(r).find("not a .tflite") != std::string::npos);

  Bytes model = demo_model();
  const uint32_t root = u32_at(model, 0);
  const uint32_t vtable = root - u32_at(model, root);
  const uint32_t field = static_cast<uint32_t>(model[vtable + 4] | model[vtable + 5] << 8);
  model[root + field] = 2;  // Model.version = 2
  Reply old = s.upload(model);
  CHECK_EQ(error_code(old), static_cast<uint16_t>(ErrorCode::kSchema));
  CHECK(text_of(old).find("schema version 2") != std::string::npos);
}

TEST("the board's refusal (unsupported op) reaches the host as ERROR with its sentence") {
  Session s;
  s.board.reject_op = "SIN";
  Reply r = s.upload(demo_model());
  CHECK_EQ(error_code(r), static_cast<uint16_t>(ErrorCode::kUnsupportedOp));
  CHECK_EQ(text_of(r), std::string("The model uses op 'SIN', which the firmware's op resolver lacks."));
  Bytes run = {0, 0};
  put_u32(run, 1);
  CHECK_EQ(error_code(s.one(MsgType::kRun, run)), static_cast<uint16_t>(ErrorCode::kNoModel));
}

TEST("RUN beyond the latency buffer is refused with the limit") {
  Session s;
  CHECK(s.upload(demo_model()).type == MsgType::kLoaded);
  Bytes run = {0, 0};
  put_u32(run, kMaxRuns + 1);
  Reply r = s.one(MsgType::kRun, run);
  CHECK_EQ(error_code(r), static_cast<uint16_t>(ErrorCode::kTooManyRuns));
}

TEST("an input that does not fit its tensor is refused") {
  Session s;
  CHECK(s.upload(demo_model()).type == MsgType::kLoaded);
  Bytes input = {0};
  put_u32(input, 3130);
  for (int i = 0; i < 8; ++i) input.push_back(1);
  CHECK_EQ(error_code(s.one(MsgType::kInput, input)), static_cast<uint16_t>(ErrorCode::kInputSize));
}

TEST("LOG frames carry board messages without breaking the stream") {
  Session s;
  s.device.log("arena ready");
  std::vector<Reply> replies = s.feed({});
  CHECK_EQ(replies.size(), 1U);
  if (!replies.empty()) {
    CHECK(replies[0].type == MsgType::kLog);
    CHECK_EQ(std::string(replies[0].payload.begin(), replies[0].payload.end()), std::string("arena ready"));
  }
}
