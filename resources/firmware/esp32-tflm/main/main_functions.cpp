#include "main_functions.h"

#include <cstdarg>
#include <cstdio>

#include "edgebench/device.h"
#include "esp_board.h"
#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

namespace {

const char* kTag = "edgebench";
edgebench::EspBoard* g_board = nullptr;
edgebench::Device* g_device = nullptr;
TaskHandle_t g_main_task = nullptr;

// ESP_LOG output becomes LOG frames once the protocol runs, so a log line can never land in the
// middle of a frame. Lines from other tasks are dropped: only the main task writes frames.
int log_as_frame(const char* format, va_list args) {
  if (g_device == nullptr || xTaskGetCurrentTaskHandle() != g_main_task) return 0;
  char line[160];
  const int n = std::vsnprintf(line, sizeof(line), format, args);
  g_device->log(line);
  return n;
}

}  // namespace

void setup() {
  static edgebench::EspBoard board;
  static edgebench::Device device(board);
  g_board = &board;
  board.begin();
  // The banner is plain text, before any frame: the studio keeps it as the device log.
  const edgebench::ChipFacts& facts = board.chip_facts();
  ESP_LOGI(kTag, "EdgeBench firmware %s on %s, %u MHz, IDF %s, %s", facts.firmware_version, facts.chip_model,
           static_cast<unsigned>(facts.cpu_mhz), facts.idf_version, facts.tflm_version);
  ESP_LOGI(kTag, "arena %u bytes (%s), model store up to %u bytes, protocol v%u ready",
           static_cast<unsigned>(facts.arena_capacity_bytes), board.arena_in_psram() ? "PSRAM" : "internal RAM",
           static_cast<unsigned>(facts.model_capacity_bytes), static_cast<unsigned>(edgebench::kProtocolVersion));
  g_main_task = xTaskGetCurrentTaskHandle();
  g_device = &device;
  esp_log_set_vprintf(log_as_frame);
}

void loop() { g_device->poll(); }
