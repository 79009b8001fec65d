/**
 * What TensorFlow Lite Micro can run, as data. Read from tensorflow/tflite-micro at commit
 * 90b983c2b3f1480642e040bbd2ddb37b998f3424 (2026-08-20): the builtin operators
 * tensorflow/lite/micro/micro_mutable_op_resolver.h registers (one AddXxx() each, by
 * BuiltinOperator name as schema.fbs spells it), the custom ops it registers by name (AddCustom),
 * and the input types a kernel accepts where it takes fewer than TFLite does. A firmware build
 * registers a subset of these; an op missing here cannot run on any TFLite Micro build.
 */

export const TFLM_VERSION = 'tflite-micro 90b983c2 (2026-08-20)';

export const TFLM_BUILTIN_OPS: ReadonlySet<string> = new Set([
  'ABS', 'ADD', 'ADD_N', 'ARG_MAX', 'ARG_MIN', 'ASSIGN_VARIABLE', 'AVERAGE_POOL_2D', 'BATCH_MATMUL',
  'BATCH_TO_SPACE_ND', 'BROADCAST_ARGS', 'BROADCAST_TO', 'CALL_ONCE', 'CAST', 'CEIL', 'CONCATENATION', 'CONV_2D',
  'COS', 'CUMSUM', 'DEPTHWISE_CONV_2D', 'DEPTH_TO_SPACE', 'DEQUANTIZE', 'DIV', 'DYNAMIC_UPDATE_SLICE', 'ELU',
  'EMBEDDING_LOOKUP', 'EQUAL', 'EXP', 'EXPAND_DIMS', 'FILL', 'FLOOR', 'FLOOR_DIV', 'FLOOR_MOD', 'FULLY_CONNECTED',
  'GATHER', 'GATHER_ND', 'GREATER', 'GREATER_EQUAL', 'HARD_SWISH', 'IF', 'L2_NORMALIZATION', 'L2_POOL_2D',
  'LEAKY_RELU', 'LESS', 'LESS_EQUAL', 'LOG', 'LOGICAL_AND', 'LOGICAL_NOT', 'LOGICAL_OR', 'LOGISTIC', 'LOG_SOFTMAX',
  'MAXIMUM', 'MAX_POOL_2D', 'MEAN', 'MINIMUM', 'MIRROR_PAD', 'MUL', 'NEG', 'NOT_EQUAL', 'PACK', 'PAD', 'PADV2',
  'PRELU', 'QUANTIZE', 'READ_VARIABLE', 'REDUCE_ALL', 'REDUCE_MAX', 'REDUCE_MIN', 'RELU', 'RELU6', 'RESHAPE',
  'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'REVERSE_V2', 'ROUND', 'RSQRT', 'SELECT_V2', 'SHAPE', 'SIN', 'SLICE',
  'SOFTMAX', 'SPACE_TO_BATCH_ND', 'SPACE_TO_DEPTH', 'SPLIT', 'SPLIT_V', 'SQRT', 'SQUARE', 'SQUARED_DIFFERENCE',
  'SQUEEZE', 'STRIDED_SLICE', 'SUB', 'SUM', 'SVDF', 'TANH', 'TRANSPOSE', 'TRANSPOSE_CONV',
  'UNIDIRECTIONAL_SEQUENCE_LSTM', 'UNPACK', 'VAR_HANDLE', 'WHILE', 'ZEROS_LIKE',
]);

export const TFLM_CUSTOM_OPS: ReadonlySet<string> = new Set([
  'CIRCULAR_BUFFER', 'TFLM_DECODE', 'TFLite_Detection_PostProcess', 'ethos-u',
  'SignalDelay', 'SignalEnergy', 'SignalFftAutoScale', 'SignalFilterBank', 'SignalFilterBankLog', 'SignalFilterBankSquareRoot',
  'SignalFilterBankSpectralSubtraction', 'SignalFramer', 'SignalIrfft', 'SignalOverlapAdd', 'SignalPCAN', 'SignalRfft',
  'SignalStacker', 'SignalWindow',
]);

/**
 * Input types of kernels narrower than TFLite's: DEQUANTIZE takes int8, int16 and uint8 only
 * (kernels/dequantize_common.cc), so the float16 weights float16-quantized converters write
 * (DEQUANTIZE from float16 to float32) do not load.
 */
export const TFLM_INPUT_TYPES: Readonly<Record<string, readonly string[]>> = {
  DEQUANTIZE: ['int8', 'int16', 'uint8'],
};

/**
 * Custom ops with a builtin TFLM registers that does the same job: MediaPipe's
 * Convolution2DTransposeBias is a transposed convolution plus a bias, which TFLM's TRANSPOSE_CONV
 * takes as its optional fourth input (kernels/transpose_conv.cc).
 */
export const TFLM_BUILTIN_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  Convolution2DTransposeBias: ['TRANSPOSE_CONV'],
};

/** Where the EdgeBench firmware registers its kernels, from the repository root. */
export const EDGEBENCH_FIRMWARE_OP_RESOLVER = 'resources/firmware/esp32-tflm/main/op_resolver.cpp';

/**
 * The builtin ops the EdgeBench firmware registers: one `case` each in add_builtin_op
 * (resources/firmware/esp32-tflm/main/op_resolver.cpp). A model needing a TFLM kernel outside this
 * list cannot run on our firmware until the op is added there. The firmware takes no custom ops
 * (tflm_runner.cpp refuses them before the resolver). test/unit/serial/fit-firmware-ops.test.ts
 * reads the C++ source and fails when the two drift apart.
 */
export const EDGEBENCH_FIRMWARE_OPS: ReadonlySet<string> = new Set([
  'ABS', 'ADD', 'ARG_MAX', 'ARG_MIN', 'AVERAGE_POOL_2D', 'BATCH_MATMUL', 'BATCH_TO_SPACE_ND', 'CAST', 'CONCATENATION', 'CONV_2D',
  'DEPTHWISE_CONV_2D', 'DEQUANTIZE', 'DIV', 'EXP', 'EXPAND_DIMS', 'FLOOR', 'FULLY_CONNECTED', 'GATHER',
  'HARD_SWISH', 'L2_NORMALIZATION', 'LEAKY_RELU', 'LOG', 'LOGISTIC', 'MAXIMUM', 'MAX_POOL_2D', 'MEAN', 'MINIMUM',
  'MUL', 'PACK', 'PAD', 'PADV2', 'PRELU', 'QUANTIZE', 'REDUCE_MAX', 'RELU', 'RELU6', 'RESHAPE',
  'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'RSQRT', 'SHAPE', 'SOFTMAX', 'SPACE_TO_BATCH_ND', 'SPLIT',
  'SPLIT_V', 'SQRT', 'SQUEEZE', 'STRIDED_SLICE', 'SUB', 'SUM', 'TANH', 'TRANSPOSE', 'TRANSPOSE_CONV', 'UNPACK',
]);
