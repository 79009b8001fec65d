// EdgeBench serial protocol, versions 1 and 2: constants shared by every part of the core.
// Version 2 keeps every v1 message and adds PROFILE / OP_PROFILE (per-op ticks); this firmware
// answers a host in the version it asked for, so an older studio still works with it.
// The byte layout is documented in docs/serial-protocol.md; the TypeScript twin lives in
// src/core/targets/serial/edgebench-protocol/ and both are tested against
// test/fixtures/serial-vectors/.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgebench {

// The newest version spoken, and the oldest one still answered.
constexpr uint8_t kProtocolVersion = 2;
constexpr uint8_t kMinProtocolVersion = 1;
inline bool speaks_version(uint8_t version) { return version >= kMinProtocolVersion && version <= kProtocolVersion; }

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

// Profiler events kept per invoke (one per operator; more with IF/WHILE bodies). 256 names and
// tick sums cost 3 KiB of SRAM; TFLM's own MicroProfiler keeps 4,096 events (48 KiB), too much
// beside the arena, which is why the firmware has its own MicroProfilerInterface.
#ifndef EDGEBENCH_MAX_PROFILED_OPS
#define EDGEBENCH_MAX_PROFILED_OPS 256
#endif
constexpr uint16_t kMaxProfiledOps = EDGEBENCH_MAX_PROFILED_OPS;
// An OP_PROFILE entry's name is cut to this many bytes (TFLM's builtin names are shorter).
constexpr size_t kMaxOpNameBytes = 31;

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
  kProfile = 0x08,  // v2
  kHelloAck = 0x81,
  kAck = 0x82,
  kNak = 0x83,
  kLoaded = 0x84,
  kProgress = 0x85,
  kResult = 0x86,
  kOutput = 0x87,
  kLog = 0x88,
  kOpProfile = 0x89,  // v2
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

// RESULT, OP_PROFILE and HELLO_ACK flag bits.
constexpr uint8_t kFlagSimulated = 0x01;

// PROGRESS phases.
constexpr uint8_t kPhaseWarmup = 0;
constexpr uint8_t kPhaseTimed = 1;
constexpr uint8_t kPhaseProfiled = 2;  // v2 PROFILE

// Reply headers, from which every page size is derived (the TypeScript twin: messages.ts).
// RESULT: flags 1, total 4, first 4, count 2, free heap 4, min free heap 4; then u32 per latency.
constexpr size_t kResultHeaderBytes = 19;
// OUTPUT: index 1, offset 4, total 4.
constexpr size_t kOutputHeaderBytes = 9;
// OP_PROFILE: flags 1, ticks per second 4, runs 2, total ops 2, first 2, count 2; then per op
// index u16, ticks u64, name str8.
constexpr size_t kOpProfileHeaderBytes = 13;
constexpr size_t kOpProfileEntryFixedBytes = 2 + 8 + 1;

}  // namespace edgebench
