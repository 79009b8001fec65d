/**
 * Float models often keep their weights as float16 behind a DEQUANTIZE op (MediaPipe's models
 * do: the converter's float16 mode), so the float32 tensor a CONV_2D reads is computed at load
 * time. Full-integer mode needs the weights as constants, so each DEQUANTIZE of a constant is
 * folded: its output tensor gets the float32 values as its own buffer and the op goes.
 */
import { decodeFloat16Array } from '../../shared/numeric/float16';
import {
  addBuffer,
  builtinCodeOf,
  tensorBytes,
  type TfliteModel,
  type TfliteSubGraph,
  type TfliteTensor,
} from '../formats/tflite/tflite-model';
import { BuiltinOperator, TensorType } from '../formats/tflite/tflite-schema';

/** A constant's values as float32 (float32, float16, or int8/uint8 with one scale and zero point), or undefined. */
export function constantAsFloat32(model: TfliteModel, tensor: TfliteTensor): Float32Array | undefined {
  const bytes = tensorBytes(model, tensor);
  if (bytes === undefined) return undefined;
  const copy = bytes.slice().buffer;
  switch (tensor.type) {
    case TensorType.FLOAT32:
      return new Float32Array(copy);
    case TensorType.FLOAT16:
      return decodeFloat16Array(new Uint16Array(copy));
    case TensorType.INT8:
    case TensorType.UINT8: {
      const q = tensor.quantization;
      const scale = q?.scale;
      if (scale?.length !== 1) return undefined;
      const zeroPoint = q?.zeroPoint?.[0] ?? 0;
      const ints = tensor.type === TensorType.INT8 ? new Int8Array(copy) : new Uint8Array(copy);
      return Float32Array.from(ints, (v) => (v - zeroPoint) * (scale[0] as number));
    }
    default:
      return undefined;
  }
}

/** Folds every DEQUANTIZE of a constant in the subgraph; returns how many were folded. */
export function foldConstantDequantize(model: TfliteModel, subgraph: TfliteSubGraph): number {
  let folded = 0;
  subgraph.operators = subgraph.operators.filter((op) => {
    const code = model.operatorCodes[op.opcodeIndex];
    if (code === undefined || builtinCodeOf(code) !== BuiltinOperator.DEQUANTIZE) return true;
    const input = subgraph.tensors[op.inputs[0] ?? -1];
    const output = subgraph.tensors[op.outputs[0] ?? -1];
    if (input === undefined || output === undefined || output.type !== TensorType.FLOAT32) return true;
    const values = constantAsFloat32(model, input);
    if (values === undefined) return true;
    output.buffer = addBuffer(model, new Uint8Array(values.buffer));
    folded += 1;
    return false;
  });
  return folded;
}
