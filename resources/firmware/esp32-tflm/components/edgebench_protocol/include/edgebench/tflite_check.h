// The checks the core makes on an uploaded model before the board builds an interpreter:
// the 'TFL3' flatbuffer identifier and the schema version TFLite Micro reads (3).
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgebench {

constexpr uint32_t kTfliteSchemaVersion = 3;

// Writes a one-sentence reason into `message` and returns false when the model cannot be used.
bool check_tflite(const uint8_t* model, size_t size, char* message, size_t message_capacity);

}  // namespace edgebench
