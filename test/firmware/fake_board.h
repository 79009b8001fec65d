// The Board seam's host default (as tflite-micro's examples give each hardware header one):
// a scripted clock, a byte log of what the device wrote, a model store on the heap, and an
// "interpreter" that describes the demo model and copies its input to its output, and a
// per-op profiler whose ops take fixed ticks.
#pragma once

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "edgebench/board.h"

class FakeBoard : public edgebench::Board {
 public:
  uint64_t now_us = 1000000;
  uint32_t invoke_cost_us = 1200;
  uint32_t free_heap_bytes = 200000;
  uint32_t model_capacity = 64 * 1024;
  std::string reject_op;  // when set, load_model refuses with kUnsupportedOp naming it
  int invokes = 0;
  int releases = 0;
  std::vector<uint8_t> written;
  std::vector<uint8_t> model;
  // The profiler: 0 ticks per second = a build without one. Each profiled invoke adds op_ticks.
  uint32_t profiler_tps = 1000000;
  std::vector<const char*> op_names = {"CONV_2D", "CONV_2D", "RESHAPE", "FULLY_CONNECTED"};
  std::vector<uint64_t> op_ticks = {256, 892, 3, 69};
  uint8_t input[3136] = {};
  uint8_t output[40] = {};

  uint64_t clock_us() override { return now_us; }
  uint32_t free_heap() override { return free_heap_bytes; }
  uint32_t min_free_heap() override { return free_heap_bytes - 2048; }
  size_t read_bytes(uint8_t*, size_t) override { return 0; }
  void write_bytes(const uint8_t* data, size_t size) override { written.insert(written.end(), data, data + size); }

  const edgebench::ChipFacts& chip_facts() override {
    facts_ = edgebench::ChipFacts{"Host test board", "none", "none", "test", 0, 1, 240, 4U << 20, 0, 128U * 1024, model_capacity};
    return facts_;
  }

  uint8_t* allocate_model(uint32_t size) override {
    model.assign(size, 0);
    return model.data();
  }
  void release_model() override {
    ++releases;
    model.clear();
  }
  edgebench::ErrorCode load_model(const uint8_t*, uint32_t size, edgebench::ModelInfo* info, char* message, size_t capacity) override {
    if (!reject_op.empty()) {
      std::snprintf(message, capacity, "The model uses op '%s', which the firmware's op resolver lacks.", reject_op.c_str());
      return edgebench::ErrorCode::kUnsupportedOp;
    }
    info->arena_used_bytes = 9984;
    info->arena_capacity_bytes = 128 * 1024;
    info->model_bytes = size;
    info->operators = 4;
    info->op_kind_count = 1;
    info->op_kinds[0] = "CONV_2D";
    info->input_count = 1;
    info->inputs[0] = edgebench::TensorDesc{0, 4, sizeof(input), {1, 28, 28, 1}};
    info->output_count = 1;
    info->outputs[0] = edgebench::TensorDesc{0, 2, sizeof(output), {1, 10}};
    return edgebench::ErrorCode::kNone;
  }
  uint8_t* input_data(uint8_t) override { return input; }
  const uint8_t* output_data(uint8_t) override { return output; }
  bool invoke(char*, size_t) override {
    ++invokes;
    std::memcpy(output, input, sizeof(output));
    // Each invoke takes a little longer, so the latencies are distinguishable.
    now_us += invoke_cost_us + static_cast<uint32_t>(invokes);
    return true;
  }
  uint32_t profiler_ticks_per_second() override { return profiler_tps; }
  bool invoke_profiled(edgebench::OpProfile* profile, char* message, size_t capacity) override {
    if (!invoke(message, capacity)) return false;
    const size_t n = op_names.size() < edgebench::kMaxProfiledOps ? op_names.size() : edgebench::kMaxProfiledOps;
    profile->overflowed = n < op_names.size();
    profile->count = static_cast<uint16_t>(n);
    for (size_t i = 0; i < n; ++i) {
      profile->names[i] = op_names[i];
      profile->ticks[i] += op_ticks[i % op_ticks.size()];
    }
    return true;
  }

 private:
  edgebench::ChipFacts facts_{};
};
