// Per-op ticks for protocol v2's PROFILE, through TFLM's profiler hook (MicroProfilerInterface):
// the interpreter wraps every operator's Invoke in BeginEvent(op name) / EndEvent, timed here
// with TFLM's own clock (GetCurrentTimeTicks / ticks_per_second, esp_timer on ESP-IDF).
//
// Why not tflite::MicroProfiler: it keeps 4,096 events per run (about 48 KiB of SRAM) and sums
// nothing; this one keeps one running sum per event position (kMaxProfiledOps, 3 KiB in the
// Device), and is only armed during PROFILE, so timed RUNs pay nothing for it.
#pragma once

#include <cstdint>

#include "edgebench/messages.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"

namespace edgebench {

class OpTickProfiler : public tflite::MicroProfilerInterface {
 public:
  // The next Invoke adds its events to `profile` (event i of the invoke → entry i).
  void arm(OpProfile* profile);
  void disarm() { profile_ = nullptr; }

  uint32_t BeginEvent(const char* tag) override;
  void EndEvent(uint32_t event_handle) override;

 private:
  static constexpr uint32_t kNoEvent = 0xFFFFFFFFU;
  OpProfile* profile_ = nullptr;
  uint16_t position_ = 0;
  uint32_t started_[kMaxProfiledOps] = {};
};

}  // namespace edgebench
