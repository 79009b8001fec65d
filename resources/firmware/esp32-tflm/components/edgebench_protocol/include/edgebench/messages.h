// Message payloads (all integers little-endian) and their encoders/decoders. Requests are
// decoded with pointers into the frame buffer; replies are written into a caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgebench/protocol.h"

namespace edgebench {

class Writer {
 public:
  Writer(uint8_t* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}
  void u8(uint8_t v);
  void u16(uint16_t v);
  void u32(uint32_t v);
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v));
    u32(static_cast<uint32_t>(v >> 32));
  }
  void bytes(const uint8_t* data, size_t size);
  // u8 length + UTF-8 bytes, cut at 255 bytes.
  void str8(const char* text);
  // The rest of the payload, cut to fit.
  void text(const char* text);
  size_t size() const { return size_; }
  bool ok() const { return ok_; }
  const uint8_t* data() const { return buffer_; }

 private:
  uint8_t* buffer_;
  size_t capacity_;
  size_t size_ = 0;
  bool ok_ = true;
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  const uint8_t* bytes(size_t size);
  size_t remaining() const { return size_ - at_; }
  // True when every read fitted and nothing is left over.
  bool done() const { return ok_ && at_ == size_; }
  bool ok() const { return ok_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
  bool ok_ = true;
};

struct ChipFacts {
  const char* chip_model;  // e.g. "ESP32-S3 rev 0.2"
  const char* idf_version;
  const char* tflm_version;
  const char* firmware_version;
  uint8_t flags;  // kFlagSimulated
  uint8_t cores;
  uint16_t cpu_mhz;
  uint32_t flash_bytes;
  uint32_t psram_bytes;
  uint32_t arena_capacity_bytes;
  uint32_t model_capacity_bytes;
};

struct TensorDesc {
  uint8_t dtype;  // TFLite TensorType code
  uint8_t rank;
  uint32_t bytes;
  int32_t dims[kMaxRank];
};

struct ModelInfo {
  uint32_t arena_used_bytes;
  uint32_t arena_capacity_bytes;
  uint32_t model_bytes;
  uint16_t operators;
  uint8_t op_kind_count;
  const char* op_kinds[kMaxOpKinds];  // static strings (TFLM's EnumNameBuiltinOperator)
  uint8_t input_count;
  TensorDesc inputs[kMaxTensors];
  uint8_t output_count;
  TensorDesc outputs[kMaxTensors];
};

struct ModelBegin {
  uint32_t size;
  const uint8_t* sha256;  // 32 bytes
};
struct Chunk {  // MODEL_CHUNK and INPUT (index 0 for MODEL_CHUNK)
  uint8_t index;
  uint32_t offset;
  const uint8_t* data;
  uint32_t size;
};
struct RunRequest {
  uint16_t warmup;
  uint32_t runs;
};
struct ReadOutput {
  uint8_t index;
  uint32_t offset;
  uint32_t length;
};
struct ProfileRequest {  // v2
  uint16_t runs;
};

// Per-op ticks over the profiled invokes, in invoke order (entry i: the i-th profiler event of an
// invoke, which is operator i of subgraph 0 when the model has no IF/WHILE bodies).
struct OpProfile {
  uint32_t ticks_per_second;  // the profiler's clock (TFLM's ticks_per_second())
  uint16_t runs;
  uint16_t count;
  bool overflowed;  // an invoke had more than kMaxProfiledOps events; the rest were not kept
  const char* names[kMaxProfiledOps];  // static strings (TFLM's op names)
  uint64_t ticks[kMaxProfiledOps];
};

bool decode_hello(const uint8_t* payload, size_t size, uint8_t* protocol_version);
bool decode_model_begin(const uint8_t* payload, size_t size, ModelBegin* out);
bool decode_model_chunk(const uint8_t* payload, size_t size, Chunk* out);
bool decode_input(const uint8_t* payload, size_t size, Chunk* out);
bool decode_run(const uint8_t* payload, size_t size, RunRequest* out);
bool decode_read_output(const uint8_t* payload, size_t size, ReadOutput* out);
bool decode_profile(const uint8_t* payload, size_t size, ProfileRequest* out);

// `version` is the one agreed with this host (its HELLO's, when this firmware speaks it).
void encode_hello_ack(const ChipFacts& facts, uint8_t version, Writer& w);
void encode_ack(uint32_t next_offset, Writer& w);
void encode_nak(NakReason reason, uint32_t expected_offset, Writer& w);
void encode_loaded(const ModelInfo& info, Writer& w);
void encode_progress(uint8_t phase, uint32_t done, uint32_t total, Writer& w);
// One page of a RESULT: latencies[first .. first+count) of total_runs.
void encode_result(uint8_t flags, uint32_t total_runs, uint32_t first, uint16_t count, uint32_t free_heap,
                   uint32_t min_free_heap, const uint32_t* latencies_us, Writer& w);
void encode_output_header(uint8_t index, uint32_t offset, uint32_t total, Writer& w);
void encode_error(ErrorCode code, const char* message, Writer& w);
// The bytes one OP_PROFILE entry takes.
size_t op_profile_entry_bytes(const char* name);
// How many entries from `first` fit one OP_PROFILE page of `capacity` payload bytes (at least one).
uint16_t op_profile_page_count(const OpProfile& profile, uint16_t first, size_t capacity);
// One OP_PROFILE page: entries [first, first + count) of profile.count.
void encode_op_profile(uint8_t flags, const OpProfile& profile, uint16_t first, uint16_t count, Writer& w);

}  // namespace edgebench
