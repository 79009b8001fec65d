// The one seam between the portable protocol core and a board (tflite-micro's examples keep
// each hardware dependency behind a plain header the same way). The ESP32 firmware implements
// it in main/esp_board.cpp; the host tests implement it in test/firmware/fake_board.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "edgebench/messages.h"
#include "edgebench/protocol.h"

namespace edgebench {

class Board {
 public:
  virtual ~Board() = default;

  // A monotonic microsecond clock (esp_timer_get_time on ESP-IDF).
  virtual uint64_t clock_us() = 0;
  virtual uint32_t free_heap() = 0;
  virtual uint32_t min_free_heap() = 0;

  // Up to `capacity` received bytes; may wait a few milliseconds when none have arrived.
  virtual size_t read_bytes(uint8_t* buffer, size_t capacity) = 0;
  virtual void write_bytes(const uint8_t* data, size_t size) = 0;

  virtual const ChipFacts& chip_facts() = 0;

  // Model store: `size` bytes (PSRAM when the board has it, else heap), or nullptr.
  virtual uint8_t* allocate_model(uint32_t size) = 0;
  // Frees the model buffer and the interpreter built on it.
  virtual void release_model() = 0;
  // Builds the interpreter over a complete, checked model. On failure returns the code and
  // writes one sentence saying what to do into `message` (e.g. unsupported op 'X').
  virtual ErrorCode load_model(const uint8_t* model, uint32_t size, ModelInfo* info, char* message,
                               size_t capacity) = 0;

  virtual uint8_t* input_data(uint8_t index) = 0;
  virtual const uint8_t* output_data(uint8_t index) = 0;
  // One inference; on failure writes a sentence into `message` and returns false.
  virtual bool invoke(char* message, size_t capacity) = 0;

  // v2 per-op profile. The profiler's clock in ticks per second; 0 when this build has no profiler.
  virtual uint32_t profiler_ticks_per_second() { return 0; }
  // One inference with the profiler on, adding each op's ticks to `profile` (names and count set
  // by the first run). The default, for boards without a profiler, refuses with a sentence.
  virtual bool invoke_profiled(OpProfile* profile, char* message, size_t capacity) {
    (void)profile;
    std::snprintf(message, capacity, "This firmware was built without the per-op profiler; rebuild it from resources/firmware/esp32-tflm.");
    return false;
  }
};

}  // namespace edgebench
