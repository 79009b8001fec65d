#include "op_resolver.h"

namespace edgebench {

bool add_builtin_op(tflite::BuiltinOperator op, OpResolver& r) {
  using B = tflite::BuiltinOperator;
  TfLiteStatus status = kTfLiteError;
  switch (op) {
    case B::BuiltinOperator_ABS: status = r.AddAbs(); break;
    case B::BuiltinOperator_ADD: status = r.AddAdd(); break;
    case B::BuiltinOperator_ARG_MAX: status = r.AddArgMax(); break;
    case B::BuiltinOperator_ARG_MIN: status = r.AddArgMin(); break;
    case B::BuiltinOperator_AVERAGE_POOL_2D: status = r.AddAveragePool2D(); break;
    case B::BuiltinOperator_BATCH_MATMUL: status = r.AddBatchMatMul(); break;
    case B::BuiltinOperator_BATCH_TO_SPACE_ND: status = r.AddBatchToSpaceNd(); break;
    case B::BuiltinOperator_CAST: status = r.AddCast(); break;
    case B::BuiltinOperator_CONCATENATION: status = r.AddConcatenation(); break;
    case B::BuiltinOperator_CONV_2D: status = r.AddConv2D(); break;
    case B::BuiltinOperator_DEPTHWISE_CONV_2D: status = r.AddDepthwiseConv2D(); break;
    case B::BuiltinOperator_DEQUANTIZE: status = r.AddDequantize(); break;
    case B::BuiltinOperator_DIV: status = r.AddDiv(); break;
    case B::BuiltinOperator_EXP: status = r.AddExp(); break;
    case B::BuiltinOperator_EXPAND_DIMS: status = r.AddExpandDims(); break;
    case B::BuiltinOperator_FLOOR: status = r.AddFloor(); break;
    case B::BuiltinOperator_FULLY_CONNECTED: status = r.AddFullyConnected(); break;
    case B::BuiltinOperator_GATHER: status = r.AddGather(); break;
    case B::BuiltinOperator_HARD_SWISH: status = r.AddHardSwish(); break;
    case B::BuiltinOperator_L2_NORMALIZATION: status = r.AddL2Normalization(); break;
    case B::BuiltinOperator_LEAKY_RELU: status = r.AddLeakyRelu(); break;
    case B::BuiltinOperator_LOG: status = r.AddLog(); break;
    case B::BuiltinOperator_LOGISTIC: status = r.AddLogistic(); break;
    case B::BuiltinOperator_MAXIMUM: status = r.AddMaximum(); break;
    case B::BuiltinOperator_MAX_POOL_2D: status = r.AddMaxPool2D(); break;
    case B::BuiltinOperator_MEAN: status = r.AddMean(); break;
    case B::BuiltinOperator_MINIMUM: status = r.AddMinimum(); break;
    case B::BuiltinOperator_MUL: status = r.AddMul(); break;
    case B::BuiltinOperator_PACK: status = r.AddPack(); break;
    case B::BuiltinOperator_PAD: status = r.AddPad(); break;
    case B::BuiltinOperator_PADV2: status = r.AddPadV2(); break;
    case B::BuiltinOperator_PRELU: status = r.AddPrelu(); break;
    case B::BuiltinOperator_QUANTIZE: status = r.AddQuantize(); break;
    case B::BuiltinOperator_REDUCE_MAX: status = r.AddReduceMax(); break;
    case B::BuiltinOperator_RELU: status = r.AddRelu(); break;
    case B::BuiltinOperator_RELU6: status = r.AddRelu6(); break;
    case B::BuiltinOperator_RESHAPE: status = r.AddReshape(); break;
    case B::BuiltinOperator_RESIZE_BILINEAR: status = r.AddResizeBilinear(); break;
    case B::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR: status = r.AddResizeNearestNeighbor(); break;
    case B::BuiltinOperator_RSQRT: status = r.AddRsqrt(); break;
    case B::BuiltinOperator_SHAPE: status = r.AddShape(); break;
    case B::BuiltinOperator_SOFTMAX: status = r.AddSoftmax(); break;
    case B::BuiltinOperator_SPACE_TO_BATCH_ND: status = r.AddSpaceToBatchNd(); break;
    case B::BuiltinOperator_SPLIT: status = r.AddSplit(); break;
    case B::BuiltinOperator_SPLIT_V: status = r.AddSplitV(); break;
    case B::BuiltinOperator_SQRT: status = r.AddSqrt(); break;
    case B::BuiltinOperator_SQUEEZE: status = r.AddSqueeze(); break;
    case B::BuiltinOperator_STRIDED_SLICE: status = r.AddStridedSlice(); break;
    case B::BuiltinOperator_SUB: status = r.AddSub(); break;
    case B::BuiltinOperator_SUM: status = r.AddSum(); break;
    case B::BuiltinOperator_TANH: status = r.AddTanh(); break;
    case B::BuiltinOperator_TRANSPOSE: status = r.AddTranspose(); break;
    case B::BuiltinOperator_TRANSPOSE_CONV: status = r.AddTransposeConv(); break;
    case B::BuiltinOperator_UNPACK: status = r.AddUnpack(); break;
    default: return false;
  }
  return status == kTfLiteOk;
}

}  // namespace edgebench
