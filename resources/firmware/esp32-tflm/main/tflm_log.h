// What TFLite Micro printed while it built an interpreter. TFLM logs through MicroPrintf → DebugLog;
// the firmware links with -Wl,--wrap=DebugLog (main/CMakeLists.txt), so every line still goes to
// esp-tflite-micro's DebugLog (stderr, i.e. the serial port, which the host keeps as the device log)
// and is also kept here, so LOADED's ERROR can say why AllocateTensors failed: an arena too small
// ("... missing: N") or a kernel that refused the model's tensors in its Prepare.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgebench {

// Starts a new capture (drops what was kept).
void tflm_log_clear();
// The text TFLM printed since tflm_log_clear(), lines ending in "\r\n", cut at kTflmLogBytes - 1.
const char* tflm_log_text();
// The first number after `key` in the capture (e.g. "missing: "), or 0 when there is none.
uint32_t tflm_log_number_after(const char* key);

constexpr size_t kTflmLogBytes = 512;

}  // namespace edgebench
