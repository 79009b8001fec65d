#include "edgebench/messages.h"

#include <cstring>

namespace edgebench {

void Writer::u8(uint8_t v) {
  if (size_ + 1 > capacity_) {
    ok_ = false;
    return;
  }
  buffer_[size_++] = v;
}
void Writer::u16(uint16_t v) {
  u8(static_cast<uint8_t>(v));
  u8(static_cast<uint8_t>(v >> 8));
}
void Writer::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
}
void Writer::bytes(const uint8_t* data, size_t size) {
  if (size_ + size > capacity_) {
    ok_ = false;
    return;
  }
  if (size > 0) std::memcpy(buffer_ + size_, data, size);
  size_ += size;
}
void Writer::str8(const char* text) {
  const size_t n = text == nullptr ? 0 : std::strlen(text);
  const size_t cut = n > 255 ? 255 : n;
  u8(static_cast<uint8_t>(cut));
  bytes(reinterpret_cast<const uint8_t*>(text), cut);
}
void Writer::text(const char* text) {
  const size_t n = text == nullptr ? 0 : std::strlen(text);
  const size_t room = capacity_ > size_ ? capacity_ - size_ : 0;
  bytes(reinterpret_cast<const uint8_t*>(text), n < room ? n : room);
}

uint8_t Reader::u8() {
  if (at_ + 1 > size_) {
    ok_ = false;
    return 0;
  }
  return data_[at_++];
}
uint16_t Reader::u16() {
  const uint16_t lo = u8();
  return static_cast<uint16_t>(lo | u8() << 8);
}
uint32_t Reader::u32() {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i);
  return v;
}
const uint8_t* Reader::bytes(size_t size) {
  if (at_ + size > size_) {
    ok_ = false;
    return nullptr;
  }
  const uint8_t* at = data_ + at_;
  at_ += size;
  return at;
}

bool decode_hello(const uint8_t* payload, size_t size, uint8_t* protocol_version) {
  Reader r(payload, size);
  *protocol_version = r.u8();
  return r.done();
}

bool decode_model_begin(const uint8_t* payload, size_t size, ModelBegin* out) {
  Reader r(payload, size);
  out->size = r.u32();
  out->sha256 = r.bytes(32);
  return r.done();
}

bool decode_model_chunk(const uint8_t* payload, size_t size, Chunk* out) {
  Reader r(payload, size);
  out->index = 0;
  out->offset = r.u32();
  out->size = static_cast<uint32_t>(r.remaining());
  out->data = r.bytes(out->size);
  return r.done();
}

bool decode_input(const uint8_t* payload, size_t size, Chunk* out) {
  Reader r(payload, size);
  out->index = r.u8();
  out->offset = r.u32();
  out->size = static_cast<uint32_t>(r.remaining());
  out->data = r.bytes(out->size);
  return r.done();
}

bool decode_run(const uint8_t* payload, size_t size, RunRequest* out) {
  Reader r(payload, size);
  out->warmup = r.u16();
  out->runs = r.u32();
  return r.done();
}

bool decode_read_output(const uint8_t* payload, size_t size, ReadOutput* out) {
  Reader r(payload, size);
  out->index = r.u8();
  out->offset = r.u32();
  out->length = r.u32();
  return r.done();
}

void encode_hello_ack(const ChipFacts& f, uint8_t version, Writer& w) {
  w.u8(version);
  w.u8(f.flags);
  w.u8(f.cores);
  w.u8(0);  // reserved, keeps the u16 that follows even-aligned for readers that care
  w.u16(f.cpu_mhz);
  w.u32(kMaxChunkBytes);
  w.u32(kMaxRuns);
  w.u32(f.flash_bytes);
  w.u32(f.psram_bytes);
  w.u32(f.arena_capacity_bytes);
  w.u32(f.model_capacity_bytes);
  w.str8(f.chip_model);
  w.str8(f.idf_version);
  w.str8(f.tflm_version);
  w.str8(f.firmware_version);
}

bool decode_profile(const uint8_t* payload, size_t size, ProfileRequest* out) {
  Reader r(payload, size);
  out->runs = r.u16();
  return r.done();
}

void encode_ack(uint32_t next_offset, Writer& w) { w.u32(next_offset); }

void encode_nak(NakReason reason, uint32_t expected_offset, Writer& w) {
  w.u8(static_cast<uint8_t>(reason));
  w.u32(expected_offset);
}

static void encode_tensor(const TensorDesc& t, Writer& w) {
  w.u8(t.dtype);
  w.u8(t.rank);
  w.u32(t.bytes);
  for (uint8_t i = 0; i < t.rank && i < kMaxRank; ++i) w.i32(t.dims[i]);
}

void encode_loaded(const ModelInfo& info, Writer& w) {
  w.u32(info.arena_used_bytes);
  w.u32(info.arena_capacity_bytes);
  w.u32(info.model_bytes);
  w.u16(info.operators);
  w.u8(info.op_kind_count);
  for (uint8_t i = 0; i < info.op_kind_count && i < kMaxOpKinds; ++i) w.str8(info.op_kinds[i]);
  w.u8(info.input_count);
  for (uint8_t i = 0; i < info.input_count && i < kMaxTensors; ++i) encode_tensor(info.inputs[i], w);
  w.u8(info.output_count);
  for (uint8_t i = 0; i < info.output_count && i < kMaxTensors; ++i) encode_tensor(info.outputs[i], w);
}

void encode_progress(uint8_t phase, uint32_t done, uint32_t total, Writer& w) {
  w.u8(phase);
  w.u32(done);
  w.u32(total);
}

void encode_result(uint8_t flags, uint32_t total_runs, uint32_t first, uint16_t count, uint32_t free_heap,
                   uint32_t min_free_heap, const uint32_t* latencies_us, Writer& w) {
  w.u8(flags);
  w.u32(total_runs);
  w.u32(first);
  w.u16(count);
  w.u32(free_heap);
  w.u32(min_free_heap);
  for (uint16_t i = 0; i < count; ++i) w.u32(latencies_us[first + i]);
}

void encode_output_header(uint8_t index, uint32_t offset, uint32_t total, Writer& w) {
  w.u8(index);
  w.u32(offset);
  w.u32(total);
}

void encode_error(ErrorCode code, const char* message, Writer& w) {
  w.u16(static_cast<uint16_t>(code));
  w.text(message);
}

static size_t op_name_bytes(const char* name) {
  const size_t n = name == nullptr ? 0 : std::strlen(name);
  return n < kMaxOpNameBytes ? n : kMaxOpNameBytes;
}

size_t op_profile_entry_bytes(const char* name) { return kOpProfileEntryFixedBytes + op_name_bytes(name); }

uint16_t op_profile_page_count(const OpProfile& profile, uint16_t first, size_t capacity) {
  const size_t room = capacity > kOpProfileHeaderBytes ? capacity - kOpProfileHeaderBytes : 0;
  size_t used = 0;
  uint16_t count = 0;
  for (uint16_t i = first; i < profile.count; ++i) {
    const size_t bytes = op_profile_entry_bytes(profile.names[i]);
    if (count > 0 && used + bytes > room) break;
    used += bytes;
    ++count;
  }
  return count;
}

void encode_op_profile(uint8_t flags, const OpProfile& profile, uint16_t first, uint16_t count, Writer& w) {
  w.u8(flags);
  w.u32(profile.ticks_per_second);
  w.u16(profile.runs);
  w.u16(profile.count);
  w.u16(first);
  w.u16(count);
  for (uint16_t i = first; i < first + count && i < profile.count; ++i) {
    const char* name = profile.names[i] == nullptr ? "" : profile.names[i];
    const size_t n = op_name_bytes(name);
    w.u16(i);
    w.u64(profile.ticks[i]);
    w.u8(static_cast<uint8_t>(n));
    w.bytes(reinterpret_cast<const uint8_t*>(name), n);
  }
}

}  // namespace edgebench
