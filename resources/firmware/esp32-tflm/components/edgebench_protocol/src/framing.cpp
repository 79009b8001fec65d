#include "edgebench/framing.h"

#include <array>
#include <cstring>

namespace edgebench {
namespace {

// Reflected polynomial 0xEDB88320 (zlib's); the table is built at compile time so it lives in flash.
constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = make_crc_table();

void put_u16(uint8_t* at, uint16_t v) {
  at[0] = static_cast<uint8_t>(v);
  at[1] = static_cast<uint8_t>(v >> 8);
}
void put_u32(uint8_t* at, uint32_t v) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* at) {
  return static_cast<uint32_t>(at[0]) | static_cast<uint32_t>(at[1]) << 8 | static_cast<uint32_t>(at[2]) << 16 |
         static_cast<uint32_t>(at[3]) << 24;
}

}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size) {
  uint32_t c = ~crc;
  for (size_t i = 0; i < size; ++i) c = kCrcTable[(c ^ data[i]) & 0xFFU] ^ (c >> 8);
  return ~c;
}

size_t cobs_encode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity) {
  if (out_capacity < size + size / 254 + 1) return 0;
  size_t code_at = 0;
  size_t write = 1;
  uint8_t code = 1;
  for (size_t i = 0; i < size; ++i) {
    if (in[i] == 0) {
      out[code_at] = code;
      code_at = write++;
      code = 1;
      continue;
    }
    out[write++] = in[i];
    if (++code == 0xFF) {
      out[code_at] = code;
      // A full group at the very end needs no empty group after it (COBS's canonical form).
      if (i + 1 == size) return write;
      code_at = write++;
      code = 1;
    }
  }
  out[code_at] = code;
  return write;
}

long cobs_decode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity) {
  size_t read = 0;
  size_t write = 0;
  while (read < size) {
    const uint8_t code = in[read++];
    if (code == 0) return -1;
    for (uint8_t i = 1; i < code; ++i) {
      if (read >= size || in[read] == 0 || write >= out_capacity) return -1;
      out[write++] = in[read++];
    }
    // A group shorter than 255 stands for a zero, except at the very end.
    if (code != 0xFF && read < size) {
      if (write >= out_capacity) return -1;
      out[write++] = 0;
    }
  }
  return static_cast<long>(write);
}

size_t encode_frame(MsgType type, uint16_t seq, const uint8_t* payload, uint32_t length, uint8_t* scratch,
                    size_t scratch_capacity, uint8_t* out, size_t out_capacity, uint8_t version) {
  const size_t raw = kHeaderBytes + length + kCrcBytes;
  if (scratch_capacity < raw || out_capacity < 2) return 0;
  scratch[0] = version;
  scratch[1] = static_cast<uint8_t>(type);
  put_u16(scratch + 2, seq);
  put_u32(scratch + 4, length);
  // memmove: the payload may already sit in scratch (messages are built in place).
  if (length > 0 && payload != scratch + kHeaderBytes) std::memmove(scratch + kHeaderBytes, payload, length);
  put_u32(scratch + kHeaderBytes + length, crc32(scratch, kHeaderBytes + length));
  out[0] = 0;
  const size_t encoded = cobs_encode(scratch, raw, out + 1, out_capacity - 2);
  if (encoded == 0) return 0;
  out[1 + encoded] = 0;
  return encoded + 2;
}

DecodeStatus FrameDecoder::push(uint8_t byte, Frame* frame) {
  if (byte != 0) {
    if (size_ < sizeof(encoded_)) encoded_[size_++] = byte;
    else overflow_ = true;
    return DecodeStatus::kNeedMore;
  }
  const size_t size = size_;
  const bool overflow = overflow_;
  size_ = 0;
  overflow_ = false;
  if (size == 0 && !overflow) return DecodeStatus::kNeedMore;
  if (overflow) {
    last_error_ = "more bytes than the largest frame before a delimiter";
    return DecodeStatus::kInvalid;
  }
  const long decoded = cobs_decode(encoded_, size, decoded_, sizeof(decoded_));
  if (decoded < 0) {
    last_error_ = "not valid COBS";
    return DecodeStatus::kInvalid;
  }
  const size_t n = static_cast<size_t>(decoded);
  if (n < kHeaderBytes + kCrcBytes) {
    last_error_ = "shorter than a frame header and CRC";
    return DecodeStatus::kInvalid;
  }
  const uint32_t length = get_u32(decoded_ + 4);
  if (length != n - kHeaderBytes - kCrcBytes) {
    last_error_ = "length field does not match the frame size";
    return DecodeStatus::kInvalid;
  }
  if (crc32(decoded_, kHeaderBytes + length) != get_u32(decoded_ + kHeaderBytes + length)) {
    last_error_ = "CRC-32 mismatch";
    return DecodeStatus::kInvalid;
  }
  frame->version = decoded_[0];
  frame->type = static_cast<MsgType>(decoded_[1]);
  frame->seq = static_cast<uint16_t>(decoded_[2] | decoded_[3] << 8);
  frame->length = length;
  frame->payload = decoded_ + kHeaderBytes;
  return DecodeStatus::kFrame;
}

}  // namespace edgebench
