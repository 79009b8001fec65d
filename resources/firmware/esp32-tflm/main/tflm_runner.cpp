#include "tflm_runner.h"

#include <cstdio>
#include <cstring>
#include <new>

#include "tensorflow/lite/micro/micro_time.h"
#include "tensorflow/lite/schema/schema_utils.h"
#include "tflm_log.h"

namespace edgebench {
namespace {

void describe(const tflite::Tensor* tensor, const TfLiteTensor* live, TensorDesc* out) {
  out->dtype = static_cast<uint8_t>(tensor->type());  // the schema's TensorType code, as the protocol says
  out->bytes = static_cast<uint32_t>(live->bytes);
  const int rank = live->dims == nullptr ? 0 : live->dims->size;
  out->rank = static_cast<uint8_t>(rank < static_cast<int>(kMaxRank) ? rank : kMaxRank);
  for (uint8_t i = 0; i < out->rank; ++i) out->dims[i] = live->dims->data[i];
}

// Why AllocateTensors failed, from TFLM's own log lines (tflm_log.h). The arena allocators print
// "Failed to ... Requested: R, available A, missing: M"; a kernel whose Prepare rejects the model
// (float16 into DEQUANTIZE, say) prints its failed check, then "Node OP (number I) failed to
// prepare with status S". Both make AllocateTensors return the same kTfLiteError.
ErrorCode allocation_failure(size_t arena_bytes, char* message, size_t capacity) {
  const uint32_t missing = tflm_log_number_after("missing: ");
  if (missing > 0) {
    std::snprintf(message, capacity,
                  "The model needs at least %u bytes more than the %u-byte tensor arena; use a smaller model (int8, a smaller input), or raise the arena in main/model_settings.h and reflash.",
                  static_cast<unsigned>(missing), static_cast<unsigned>(arena_bytes));
    return ErrorCode::kArenaTooSmall;
  }
  const char* node = std::strstr(tflm_log_text(), "Node ");
  if (node != nullptr) {
    const int length = static_cast<int>(std::strcspn(node, "\r\n"));
    std::snprintf(message, capacity, "TFLite Micro's kernels refused the model (%.*s; the device log says why); change that op's tensor types in the model.", length, node);
    return ErrorCode::kUnsupportedOp;
  }
  // No log (a TF_LITE_STRIP_ERROR_STRINGS build prints nothing): say both causes.
  std::snprintf(message, capacity,
                "TFLite Micro could not allocate or prepare the model in the %u-byte tensor arena; use a smaller model, or raise the arena in main/model_settings.h and reflash.",
                static_cast<unsigned>(arena_bytes));
  return ErrorCode::kArenaTooSmall;
}

}  // namespace

void TflmRunner::reset() {
  if (interpreter_ != nullptr) interpreter_->~MicroInterpreter();
  if (resolver_ != nullptr) resolver_->~OpResolver();
  interpreter_ = nullptr;
  resolver_ = nullptr;
}

ErrorCode TflmRunner::load(const uint8_t* data, uint32_t size, ModelInfo* info, char* message, size_t capacity) {
  reset();
  const tflite::Model* model = tflite::GetModel(data);
  const auto* subgraphs = model->subgraphs();
  const auto* codes = model->operator_codes();
  if (subgraphs == nullptr || subgraphs->size() == 0 || codes == nullptr) {
    std::snprintf(message, capacity, "The model has no subgraph or no operator codes; re-export it.");
    return ErrorCode::kSchema;
  }
  resolver_ = new (resolver_storage_) OpResolver();
  info->op_kind_count = 0;
  for (const tflite::OperatorCode* code : *codes) {
    const tflite::BuiltinOperator op = tflite::GetBuiltinCode(code);
    if (op == tflite::BuiltinOperator_CUSTOM) {
      const char* name = code->custom_code() != nullptr ? code->custom_code()->c_str() : "?";
      std::snprintf(message, capacity, "The model uses custom op '%s', which this firmware does not have; remove it from the model.", name);
      return ErrorCode::kUnsupportedOp;
    }
    const char* name = tflite::EnumNameBuiltinOperator(op);
    bool seen = false;  // one opcode per (op, version): register each op once
    for (uint8_t i = 0; i < info->op_kind_count; ++i) seen = seen || info->op_kinds[i] == name;
    if (seen) continue;
    if (info->op_kind_count >= kMaxOpKinds || !add_builtin_op(op, *resolver_)) {
      std::snprintf(message, capacity,
                    "The model uses op '%s', which the firmware's op resolver lacks; replace it in the model or add it to main/op_resolver.cpp and reflash.", name);
      return ErrorCode::kUnsupportedOp;
    }
    info->op_kinds[info->op_kind_count++] = name;
  }

  // The profiler stays attached but is armed only inside invoke_profiled: a timed invoke pays one
  // virtual call per op for it, and no clock reads.
  profiler_.disarm();
  interpreter_ = new (interpreter_storage_) tflite::MicroInterpreter(model, *resolver_, arena_, arena_bytes_, nullptr, &profiler_);
  tflm_log_clear();
  if (interpreter_->AllocateTensors() != kTfLiteOk) return allocation_failure(arena_bytes_, message, capacity);

  const tflite::SubGraph* graph = subgraphs->Get(0);
  info->arena_used_bytes = static_cast<uint32_t>(interpreter_->arena_used_bytes());
  info->arena_capacity_bytes = static_cast<uint32_t>(arena_bytes_);
  info->model_bytes = size;
  info->operators = static_cast<uint16_t>(graph->operators() == nullptr ? 0 : graph->operators()->size());
  info->input_count = static_cast<uint8_t>(interpreter_->inputs_size() < kMaxTensors ? interpreter_->inputs_size() : kMaxTensors);
  for (uint8_t i = 0; i < info->input_count; ++i) {
    describe(graph->tensors()->Get(graph->inputs()->Get(i)), interpreter_->input(i), &info->inputs[i]);
  }
  info->output_count = static_cast<uint8_t>(interpreter_->outputs_size() < kMaxTensors ? interpreter_->outputs_size() : kMaxTensors);
  for (uint8_t i = 0; i < info->output_count; ++i) {
    describe(graph->tensors()->Get(graph->outputs()->Get(i)), interpreter_->output(i), &info->outputs[i]);
  }
  return ErrorCode::kNone;
}

uint8_t* TflmRunner::input_data(uint8_t index) { return interpreter_->input(index)->data.uint8; }

const uint8_t* TflmRunner::output_data(uint8_t index) { return interpreter_->output(index)->data.uint8; }

bool TflmRunner::invoke(char* message, size_t capacity) {
  if (interpreter_->Invoke() == kTfLiteOk) return true;
  std::snprintf(message, capacity, "TFLite Micro's Invoke failed (the device log has its reason); check the model's ops and inputs.");
  return false;
}

bool TflmRunner::invoke_profiled(OpProfile* profile, char* message, size_t capacity) {
  profile->ticks_per_second = static_cast<uint32_t>(tflite::ticks_per_second());
  profiler_.arm(profile);
  const bool ok = interpreter_->Invoke() == kTfLiteOk;
  profiler_.disarm();
  if (ok) return true;
  std::snprintf(message, capacity, "TFLite Micro's Invoke failed while profiling (the device log has its reason); check the model's ops and inputs.");
  return false;
}

}  // namespace edgebench
