// Framing: CRC-32 (IEEE 802.3 / zlib), COBS, and frames { header, payload, CRC } between
// 0x00 delimiters. No allocation: callers own every buffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgebench/protocol.h"

namespace edgebench {

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size);
inline uint32_t crc32(const uint8_t* data, size_t size) { return crc32_update(0, data, size); }

// Returns the encoded size (without delimiter), or 0 when `out_capacity` is too small.
size_t cobs_encode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity);
// Decodes in place-safe (out may equal in). Returns the decoded size, or -1 when malformed.
long cobs_decode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity);

struct Frame {
  uint8_t version;
  MsgType type;
  uint16_t seq;
  const uint8_t* payload;
  uint32_t length;
};

// Writes 0x00, COBS(header + payload + CRC), 0x00 into `out`; `scratch` holds the unencoded
// frame (kHeaderBytes + length + kCrcBytes). `version` is the header's (the session's).
// Returns the wire size, or 0 if a buffer is short.
size_t encode_frame(MsgType type, uint16_t seq, const uint8_t* payload, uint32_t length, uint8_t* scratch,
                    size_t scratch_capacity, uint8_t* out, size_t out_capacity, uint8_t version = kProtocolVersion);

enum class DecodeStatus { kNeedMore, kFrame, kInvalid };

// Collects bytes up to each 0x00 and checks COBS, header and CRC. Bytes that are not a frame
// (a boot log, line noise) come back as kInvalid; empty chunks between delimiters are skipped.
class FrameDecoder {
 public:
  DecodeStatus push(uint8_t byte, Frame* frame);
  // Why the last kInvalid was invalid (a short fixed sentence).
  const char* last_error() const { return last_error_; }

 private:
  uint8_t encoded_[kMaxEncodedBytes];
  uint8_t decoded_[kMaxFrameBytes];
  size_t size_ = 0;
  bool overflow_ = false;
  const char* last_error_ = "";
};

}  // namespace edgebench
