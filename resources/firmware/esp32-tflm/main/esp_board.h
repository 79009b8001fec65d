// The Board seam on ESP32 / ESP32-S3: esp_timer for microseconds, heap_caps for memory and
// PSRAM, USB-Serial/JTAG (native USB) or UART0 for bytes, and TFLM through TflmRunner.
#pragma once

#include "edgebench/board.h"
#include "tflm_runner.h"

namespace edgebench {

class EspBoard : public Board {
 public:
  // Installs the serial driver, allocates the tensor arena, reads the chip facts.
  void begin();
  bool arena_in_psram() const { return arena_in_psram_; }

  uint64_t clock_us() override;
  uint32_t free_heap() override;
  uint32_t min_free_heap() override;
  size_t read_bytes(uint8_t* buffer, size_t capacity) override;
  void write_bytes(const uint8_t* data, size_t size) override;
  const ChipFacts& chip_facts() override { return facts_; }
  uint8_t* allocate_model(uint32_t size) override;
  void release_model() override;
  ErrorCode load_model(const uint8_t* model, uint32_t size, ModelInfo* info, char* message, size_t capacity) override;
  uint8_t* input_data(uint8_t index) override { return runner_.input_data(index); }
  const uint8_t* output_data(uint8_t index) override { return runner_.output_data(index); }
  bool invoke(char* message, size_t capacity) override { return runner_.invoke(message, capacity); }
  uint32_t profiler_ticks_per_second() override;
  bool invoke_profiled(OpProfile* profile, char* message, size_t capacity) override {
    return runner_.invoke_profiled(profile, message, capacity);
  }

 private:
  ChipFacts facts_{};
  char chip_model_[48] = {};
  uint8_t* arena_ = nullptr;
  size_t arena_bytes_ = 0;
  bool arena_in_psram_ = false;
  uint8_t* model_ = nullptr;
  TflmRunner runner_;
};

}  // namespace edgebench
