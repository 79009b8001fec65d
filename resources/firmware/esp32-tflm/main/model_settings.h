// Memory sizing for the benchmark firmware, in one place (as tflite-micro's examples keep theirs
// in model_settings.h). The numbers are budgets, not measurements: LOADED reports the arena the
// interpreter really used, and the studio's fit estimate (src/core/targets/serial/fit-estimate.ts)
// warns before upload when a model will not fit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sdkconfig.h"

namespace edgebench {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;

// Tensor arena in internal RAM (fast). ESP32 leaves ~300 KiB of heap with Wi-Fi off and the
// ESP32-S3 ~330 KiB; the rest of the budget goes to the stack, drivers and the model on non-PSRAM
// boards.
#if CONFIG_IDF_TARGET_ESP32S3
constexpr size_t kInternalArenaBytes = 256 * kKiB;
#else
constexpr size_t kInternalArenaBytes = 160 * kKiB;
#endif

// When internal RAM cannot hold the arena, a larger one in PSRAM (slower: every tensor access
// goes through the cache to external RAM).
constexpr size_t kPsramArenaBytes = 2 * kMiB;

// The uploaded model lives in PSRAM when there is some, capped here.
constexpr size_t kMaxPsramModelBytes = 4 * kMiB;

// Heap kept free after the model buffer on boards without PSRAM, for drivers and TFLM's
// temporary allocations during AllocateTensors.
constexpr size_t kHeapReserveBytes = 24 * kKiB;

// Below this, the fallback arena (largest internal block minus kHeapReserveBytes) is not worth having.
constexpr size_t kMinArenaBytes = 32 * kKiB;

// Baud rate on UART boards (ESP32 through a CP210x/CH340 bridge); native USB ignores it.
constexpr int kUartBaud = 921600;

}  // namespace edgebench
