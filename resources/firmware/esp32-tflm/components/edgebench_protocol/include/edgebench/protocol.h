// EdgeBench serial protocol, version 1: constants shared by every part of the core.
// The byte layout is documented in docs/serial-protocol.md; the TypeScript twin lives in
// src/core/targets/serial/edgebench-protocol/ and both are tested against
// test/fixtures/serial-vectors/.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgebench {

constexpr uint8_t kProtocolVersion = 1;

// header { version u8, type u8, seq u16 LE, length u32 LE } + payload + CRC-32 LE.
constexpr size_t kHeaderBytes = 8;
constexpr size_t kCrcBytes = 4;

// The largest MODEL_CHUNK data a device accepts. 4 KiB keeps the payload efficiency near 99%
// (docs/serial-protocol.md) while two frame buffers still cost under 9 KiB of SRAM.
#ifndef EDGEBENCH_MAX_CHUNK_BYTES
#define EDGEBENCH_MAX_CHUNK_BYTES 4096
#endif
constexpr uint32_t kMaxChunkBytes = EDGEBENCH_MAX_CHUNK_BYTES;

// A chunk's payload adds its offset (4) and an input's its index (1): 16 bytes of headroom.
constexpr size_t kMaxPayloadBytes = kMaxChunkBytes + 16;
constexpr size_t kMaxFrameBytes = kHeaderBytes + kMaxPayloadBytes + kCrcBytes;
// COBS adds at most one byte per 254 plus one.
constexpr size_t kMaxEncodedBytes = kMaxFrameBytes + kMaxFrameBytes / 254 + 1;

// Latencies kept per RUN (4 bytes each); the host splits longer runs into several RUNs.
#ifndef EDGEBENCH_MAX_RUNS
#define EDGEBENCH_MAX_RUNS 1000
#endif
constexpr uint32_t kMaxRuns = EDGEBENCH_MAX_RUNS;

constexpr size_t kMaxTensors = 8;
constexpr size_t kMaxRank = 6;
constexpr size_t kMaxOpKinds = 48;
constexpr size_t kMaxMessageBytes = 200;

// Replies to a frame that could not be decoded carry this seq: its real seq is unknown.
constexpr uint16_t kUnknownSeq = 0xFFFF;

enum class MsgType : uint8_t {
  kHello = 0x01,
  kModelBegin = 0x02,
  kModelChunk = 0x03,
  kModelEnd = 0x04,
  kInput = 0x05,
  kRun = 0x06,
  kReadOutput = 0x07,
  kHelloAck = 0x81,
  kAck = 0x82,
  kNak = 0x83,
  kLoaded = 0x84,
  kProgress = 0x85,
  kResult = 0x86,
  kOutput = 0x87,
  kLog = 0x88,
  kError = 0x8F,
};

enum class NakReason : uint8_t {
  kBadFrame = 1,     // CRC, COBS or header check failed: resend the last request
  kWrongOffset = 2,  // resend from expected_offset
};

enum class ErrorCode : uint16_t {
  kNone = 0,
  kVersionMismatch = 1,
  kBadRequest = 2,
  kModelTooBig = 3,
  kShaMismatch = 4,
  kSchema = 5,
  kUnsupportedOp = 6,
  kArenaTooSmall = 7,
  kNoModel = 8,
  kInvokeFailed = 9,
  kBadState = 10,
  kInputSize = 11,
  kTooManyRuns = 12,
};

// RESULT and HELLO_ACK flag bits.
constexpr uint8_t kFlagSimulated = 0x01;

}  // namespace edgebench
