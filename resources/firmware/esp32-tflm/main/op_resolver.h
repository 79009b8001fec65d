// Fills TFLM's op resolver with exactly the builtin ops a model uses, so one firmware image
// runs any model whose ops are in the list in op_resolver.cpp (the studio's copy, EDGEBENCH_FIRMWARE_OPS
// in src/core/targets/serial/tflm-ops.ts, is checked against this file by test/unit/serial/fit-firmware-ops.test.ts).
#pragma once

#include "edgebench/protocol.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace edgebench {

using OpResolver = tflite::MicroMutableOpResolver<kMaxOpKinds>;

// False when the firmware has no kernel registered for `op`.
bool add_builtin_op(tflite::BuiltinOperator op, OpResolver& resolver);

}  // namespace edgebench
