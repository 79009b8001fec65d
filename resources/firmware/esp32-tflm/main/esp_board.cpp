#include "esp_board.h"

#include <cstdio>

#include "esp_chip_info.h"
#include "esp_flash.h"
#include "esp_heap_caps.h"
#include "esp_idf_version.h"
#include "esp_rom_sys.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "model_settings.h"
#include "tensorflow/lite/micro/micro_time.h"
#include "sdkconfig.h"

#if CONFIG_SPIRAM
#include "esp_psram.h"  // esp_psram.c is only built when CONFIG_SPIRAM is set
#endif

// IDF 5.3 moved the "route stdio through the driver" calls into the driver components
// (uart_vfs.h, usb_serial_jtag_vfs.h); the old esp_vfs_* names are deprecated there, and
// esp_vfs_usb_serial_jtag_use_driver() is no longer declared in esp_vfs_usb_serial_jtag.h.
#define EDGEBENCH_IDF_HAS_DRIVER_VFS (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 0))
#if CONFIG_ESP_CONSOLE_USB_SERIAL_JTAG
#include "driver/usb_serial_jtag.h"
#if EDGEBENCH_IDF_HAS_DRIVER_VFS
#include "driver/usb_serial_jtag_vfs.h"
#else
#include "esp_vfs_usb_serial_jtag.h"
#endif
#else
#include "driver/uart.h"
#if EDGEBENCH_IDF_HAS_DRIVER_VFS
#include "driver/uart_vfs.h"
#else
#include "esp_vfs_dev.h"
#endif
#endif

#ifndef EDGEBENCH_TFLM_VERSION
#define EDGEBENCH_TFLM_VERSION "esp-tflite-micro"
#endif

namespace edgebench {
namespace {

// Two frames of buffering each way: the host sends one request at a time.
constexpr size_t kDriverBufferBytes = 2 * (kMaxEncodedBytes + 2);
// read_bytes waits this long for the first byte, so loop() does not spin.
constexpr TickType_t kReadWait = pdMS_TO_TICKS(10);

const char* chip_name(esp_chip_model_t model) {
  switch (model) {
    case CHIP_ESP32: return "ESP32";
    case CHIP_ESP32S3: return "ESP32-S3";
    case CHIP_ESP32S2: return "ESP32-S2";
    case CHIP_ESP32C3: return "ESP32-C3";
    default: return "ESP32-family chip";
  }
}

}  // namespace

void EspBoard::begin() {
#if CONFIG_ESP_CONSOLE_USB_SERIAL_JTAG
  // Field by field: the DEFAULT() macro is a C compound literal, and the struct differs across IDF versions.
  usb_serial_jtag_driver_config_t config = {};
  config.rx_buffer_size = kDriverBufferBytes;
  config.tx_buffer_size = kDriverBufferBytes;
  ESP_ERROR_CHECK(usb_serial_jtag_driver_install(&config));
  // printf and the boot banner go through the driver too, so they never interleave inside a frame.
#if EDGEBENCH_IDF_HAS_DRIVER_VFS
  usb_serial_jtag_vfs_use_driver();
#else
  esp_vfs_usb_serial_jtag_use_driver();
#endif
#else
  // Assigned, not designated: source_clk sits in an anonymous union in IDF 5.3 and `flags` changes
  // between releases.
  uart_config_t uart = {};
  uart.baud_rate = kUartBaud;
  uart.data_bits = UART_DATA_8_BITS;
  uart.parity = UART_PARITY_DISABLE;
  uart.stop_bits = UART_STOP_BITS_1;
  uart.flow_ctrl = UART_HW_FLOWCTRL_DISABLE;
  uart.source_clk = UART_SCLK_DEFAULT;
  ESP_ERROR_CHECK(uart_driver_install(UART_NUM_0, kDriverBufferBytes, kDriverBufferBytes, 0, nullptr, 0));
  ESP_ERROR_CHECK(uart_param_config(UART_NUM_0, &uart));
#if EDGEBENCH_IDF_HAS_DRIVER_VFS
  uart_vfs_dev_use_driver(UART_NUM_0);
#else
  esp_vfs_dev_uart_use_driver(UART_NUM_0);
#endif
#endif

  // The arena first, while internal RAM is least fragmented; PSRAM only when internal RAM is short.
  // 16-byte alignment is what TFLM's arena wants (MicroInterpreter otherwise wastes up to 16 bytes).
  constexpr uint32_t kInternalCaps = MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT;
  arena_ = static_cast<uint8_t*>(heap_caps_aligned_alloc(16, kInternalArenaBytes, kInternalCaps));
  arena_bytes_ = kInternalArenaBytes;
#if CONFIG_SPIRAM
  const size_t psram_bytes = esp_psram_is_initialized() ? esp_psram_get_size() : 0;
#else
  const size_t psram_bytes = 0;
#endif
  if (arena_ == nullptr && psram_bytes > 0) {
    arena_ = static_cast<uint8_t*>(heap_caps_aligned_alloc(16, kPsramArenaBytes, MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT));
    arena_bytes_ = kPsramArenaBytes;
    arena_in_psram_ = arena_ != nullptr;
  }
  if (arena_ == nullptr) {
    // No PSRAM and internal RAM is split into smaller blocks (classic ESP32 heaps often top out near
    // 110-160 KiB): take the largest block minus a reserve rather than refusing every model.
    // HELLO_ACK reports the real capacity, so the studio's fit estimate sees it.
    const size_t largest = heap_caps_get_largest_free_block(kInternalCaps);
    const size_t fallback = largest > kHeapReserveBytes + kMinArenaBytes ? (largest - kHeapReserveBytes) & ~static_cast<size_t>(15) : 0;
    arena_ = fallback > 0 ? static_cast<uint8_t*>(heap_caps_aligned_alloc(16, fallback, kInternalCaps)) : nullptr;
    arena_bytes_ = arena_ != nullptr ? fallback : 0;
  }
  runner_.set_arena(arena_, arena_bytes_);

  esp_chip_info_t chip;
  esp_chip_info(&chip);
  std::snprintf(chip_model_, sizeof(chip_model_), "%s rev %d.%d", chip_name(chip.model), chip.revision / 100, chip.revision % 100);
  // The physical size: esp_flash_get_size() returns the size written in the image header
  // (CONFIG_ESPTOOLPY_FLASHSIZE), which is 4 MiB on 8/16 MiB ESP32 boards with these defaults.
  uint32_t flash_bytes = 0;
  if (esp_flash_get_physical_size(nullptr, &flash_bytes) != ESP_OK) esp_flash_get_size(nullptr, &flash_bytes);

  size_t model_capacity = 0;
  if (psram_bytes > 0) {
    const size_t free_psram = heap_caps_get_largest_free_block(MALLOC_CAP_SPIRAM);
    model_capacity = free_psram < kMaxPsramModelBytes ? free_psram : kMaxPsramModelBytes;
  } else {
    const size_t largest = heap_caps_get_largest_free_block(MALLOC_CAP_8BIT);
    model_capacity = largest > kHeapReserveBytes ? largest - kHeapReserveBytes : 0;
  }

  facts_.chip_model = chip_model_;
  facts_.idf_version = esp_get_idf_version();
  facts_.tflm_version = EDGEBENCH_TFLM_VERSION;
  facts_.firmware_version = "edgebench-fw 2.0.0";
  facts_.flags = 0;
  facts_.cores = chip.cores;
  facts_.cpu_mhz = static_cast<uint16_t>(esp_rom_get_cpu_ticks_per_us());
  facts_.flash_bytes = flash_bytes;
  facts_.psram_bytes = static_cast<uint32_t>(psram_bytes);
  facts_.arena_capacity_bytes = static_cast<uint32_t>(arena_bytes_);
  facts_.model_capacity_bytes = static_cast<uint32_t>(model_capacity);
}

uint64_t EspBoard::clock_us() { return static_cast<uint64_t>(esp_timer_get_time()); }

uint32_t EspBoard::profiler_ticks_per_second() { return static_cast<uint32_t>(tflite::ticks_per_second()); }

uint32_t EspBoard::free_heap() { return static_cast<uint32_t>(heap_caps_get_free_size(MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT)); }

uint32_t EspBoard::min_free_heap() {
  return static_cast<uint32_t>(heap_caps_get_minimum_free_size(MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT));
}

size_t EspBoard::read_bytes(uint8_t* buffer, size_t capacity) {
#if CONFIG_ESP_CONSOLE_USB_SERIAL_JTAG
  const int n = usb_serial_jtag_read_bytes(buffer, capacity, kReadWait);
#else
  const int n = uart_read_bytes(UART_NUM_0, buffer, capacity, kReadWait);
#endif
  return n > 0 ? static_cast<size_t>(n) : 0;
}

void EspBoard::write_bytes(const uint8_t* data, size_t size) {
#if CONFIG_ESP_CONSOLE_USB_SERIAL_JTAG
  // Blocks until the host reads; a host that went away makes writes time out instead of hang.
  usb_serial_jtag_write_bytes(data, size, pdMS_TO_TICKS(500));
#else
  uart_write_bytes(UART_NUM_0, reinterpret_cast<const char*>(data), size);
#endif
}

uint8_t* EspBoard::allocate_model(uint32_t size) {
  release_model();
  const uint32_t caps = facts_.psram_bytes > 0 ? (MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT) : MALLOC_CAP_8BIT;
  // 16-byte alignment: TFLM reads flatbuffer scalars and constant tensors in place.
  model_ = static_cast<uint8_t*>(heap_caps_aligned_alloc(16, size, caps));
  return model_;
}

void EspBoard::release_model() {
  runner_.reset();
  heap_caps_free(model_);
  model_ = nullptr;
}

ErrorCode EspBoard::load_model(const uint8_t* model, uint32_t size, ModelInfo* info, char* message, size_t capacity) {
  if (arena_ == nullptr) {
    std::snprintf(message, capacity, "The firmware could not allocate its tensor arena at boot; lower kInternalArenaBytes in main/model_settings.h and reflash.");
    return ErrorCode::kArenaTooSmall;
  }
  return runner_.load(model, size, info, message, capacity);
}

}  // namespace edgebench
