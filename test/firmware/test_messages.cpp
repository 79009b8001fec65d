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
    encode_hello_ack(f, w);
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
  CHECK_EQ(checked, 8);
}

TEST("device replies in frames.txt are what the C++ encoders write") {
  int checked = 0;
  for (const FrameVector& v : frame_vectors()) {
    if (v.type < 0x80) continue;
    CHECK_EQ(v.name + " " + encode_reply(v.name), v.name + " " + to_hex(v.payload));
    ++checked;
  }
  CHECK_EQ(checked, 10);
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
}

TEST("Writer reports overflow instead of writing past its buffer") {
  uint8_t buffer[3] = {0, 0, 0};
  Writer w(buffer, 2);
  w.u32(0xAABBCCDD);
  CHECK(!w.ok());
  CHECK_EQ(static_cast<int>(buffer[2]), 0);
}
