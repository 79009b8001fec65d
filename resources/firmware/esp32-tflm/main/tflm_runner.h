// Builds a TFLite Micro interpreter over an uploaded model in a preallocated arena, and runs it.
// Rebuilt for every model: the resolver and interpreter live in static storage (no heap churn).
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgebench/messages.h"
#include "op_profiler.h"
#include "op_resolver.h"
#include "tensorflow/lite/micro/micro_interpreter.h"

namespace edgebench {

class TflmRunner {
 public:
  void set_arena(uint8_t* arena, size_t bytes) {
    arena_ = arena;
    arena_bytes_ = bytes;
  }
  ErrorCode load(const uint8_t* model, uint32_t size, ModelInfo* info, char* message, size_t capacity);
  void reset();
  uint8_t* input_data(uint8_t index);
  const uint8_t* output_data(uint8_t index);
  bool invoke(char* message, size_t capacity);
  // One invoke with the per-op profiler armed, adding to `profile` (protocol v2 PROFILE).
  bool invoke_profiled(OpProfile* profile, char* message, size_t capacity);

 private:
  uint8_t* arena_ = nullptr;
  size_t arena_bytes_ = 0;
  OpResolver* resolver_ = nullptr;
  tflite::MicroInterpreter* interpreter_ = nullptr;
  OpTickProfiler profiler_;
  alignas(OpResolver) uint8_t resolver_storage_[sizeof(OpResolver)];
  alignas(tflite::MicroInterpreter) uint8_t interpreter_storage_[sizeof(tflite::MicroInterpreter)];
};

}  // namespace edgebench
