// The device side of the protocol: decodes frames and answers them through a Board.
// Stop-and-wait: the host sends one request and waits for its reply, so the device never queues.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgebench/board.h"
#include "edgebench/framing.h"
#include "edgebench/messages.h"
#include "edgebench/sha256.h"

namespace edgebench {

enum class DeviceState : uint8_t { kIdle, kReceiving, kLoaded };

class Device {
 public:
  explicit Device(Board& board) : board_(board) {}

  // Reads what the board has received and answers every complete frame (call from loop()).
  void poll();
  // Feeds received bytes directly (poll() uses it; the host tests too).
  void receive(const uint8_t* data, size_t size);
  // Sends a LOG frame, so board logs never corrupt the frame stream.
  void log(const char* text);

  DeviceState state() const { return state_; }
  uint32_t received_bytes() const { return received_; }

 private:
  void handle(const Frame& frame);
  void on_hello(const Frame& frame);
  void on_model_begin(const Frame& frame);
  void on_model_chunk(const Frame& frame);
  void on_model_end(const Frame& frame);
  void on_input(const Frame& frame);
  void on_run(const Frame& frame);
  void on_read_output(const Frame& frame);
  void on_profile(const Frame& frame);
  bool invoke_all(uint16_t seq, uint8_t phase, uint32_t count, bool timed);

  // Reply payloads are built in place after the header slot of tx_scratch_.
  Writer payload_writer() { return Writer(tx_scratch_ + kHeaderBytes, kMaxPayloadBytes); }
  void send(MsgType type, uint16_t seq, const Writer& payload);
  void send_error(uint16_t seq, ErrorCode code, const char* message);
  void send_ack(uint16_t seq, uint32_t next_offset);
  void send_nak(uint16_t seq, NakReason reason, uint32_t expected_offset);
  void drop_model();

  Board& board_;
  FrameDecoder decoder_;
  bool synced_ = false;
  DeviceState state_ = DeviceState::kIdle;
  uint8_t* model_ = nullptr;
  uint32_t model_size_ = 0;
  uint32_t received_ = 0;
  uint8_t expected_sha_[32] = {};
  Sha256 hasher_;
  ModelInfo info_ = {};
  uint64_t last_progress_us_ = 0;
  // The version replies go in: the one of the request being answered (v1 hosts get v1 frames).
  uint8_t version_ = kMinProtocolVersion;
  OpProfile profile_ = {};
  uint32_t latencies_us_[kMaxRuns] = {};
  char message_[kMaxMessageBytes] = {};
  uint8_t rx_buffer_[256] = {};
  uint8_t tx_scratch_[kMaxFrameBytes] = {};
  uint8_t tx_wire_[kMaxEncodedBytes + 2] = {};
};

}  // namespace edgebench
