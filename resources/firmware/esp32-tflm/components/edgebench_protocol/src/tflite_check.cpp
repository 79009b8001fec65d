#include "edgebench/tflite_check.h"

#include <cstdio>
#include <cstring>

namespace edgebench {
namespace {

uint32_t u32_at(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

bool check_tflite(const uint8_t* model, size_t size, char* message, size_t capacity) {
  if (size < 16 || std::memcmp(model + 4, "TFL3", 4) != 0) {
    std::snprintf(message, capacity, "The model is not a .tflite flatbuffer (no 'TFL3' identifier at bytes 4-8); upload a .tflite file.");
    return false;
  }
  // Model.version is field 0 of the root table: root uoffset -> table; table - soffset -> vtable.
  const uint32_t root = u32_at(model);
  if (root + 4 > size) {
    std::snprintf(message, capacity, "The model's root table points past its end (%u of %u bytes); the file looks truncated.",
                  static_cast<unsigned>(root), static_cast<unsigned>(size));
    return false;
  }
  const int32_t back = static_cast<int32_t>(u32_at(model + root));
  const int64_t vtable = static_cast<int64_t>(root) - back;
  if (vtable < 0 || vtable + 4 > static_cast<int64_t>(size)) {
    std::snprintf(message, capacity, "The model's root vtable lies outside the file; the file is damaged.");
    return false;
  }
  const uint16_t vtable_size = static_cast<uint16_t>(model[vtable] | model[vtable + 1] << 8);
  uint32_t version = 0;
  if (vtable_size >= 6) {
    const uint16_t field = static_cast<uint16_t>(model[vtable + 4] | model[vtable + 5] << 8);
    if (field != 0) {
      if (root + field + 4 > size) {
        std::snprintf(message, capacity, "The model's version field lies outside the file; the file is damaged.");
        return false;
      }
      version = u32_at(model + root + field);
    }
  }
  if (version != kTfliteSchemaVersion) {
    std::snprintf(message, capacity,
                  "The model uses TFLite schema version %u but this firmware reads version %u; convert it with a current TFLite converter.",
                  static_cast<unsigned>(version), static_cast<unsigned>(kTfliteSchemaVersion));
    return false;
  }
  return true;
}

}  // namespace edgebench
