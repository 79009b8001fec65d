/**
 * The TFLite side of the ONNX → TFLite converter: the tensors and operators being built (a
 * TfliteModelSpec for tflite-writer.ts), and each value's layout.
 *
 * Layout: a 4-D ONNX value is NCHW; TFLite's spatial ops want NHWC. A value is carried either
 * "plain" (the TFLite tensor has the ONNX shape and order) or "nhwc" (the TFLite tensor holds the
 * NCHW value as [N, H, W, C]). Spatial ops produce nhwc values; ops that care about axes map them
 * (NHWC_AXIS) instead of transposing; asNhwc/asPlain insert a TRANSPOSE only where an op needs
 * the other layout, once per value (cached), and a plain RESHAPE where both orders hold the same
 * bytes (C = 1, or H = W = 1).
 */
import { StudioError } from '../../shared/errors';
import type { FlatTable } from '../formats/tflite/tflite-model';
import type { BuiltinOptions } from '../formats/tflite/tflite-schema';
import type { TfliteBuiltinOpName, TfliteModelSpec, TfliteOperatorSpec, TfliteTensorSpec } from '../formats/tflite/tflite-writer';
import { transposeValues } from './onnx-constants';

export interface Value {
  /** The TFLite tensor carrying it. */
  tensor: string;
  /** Shape in ONNX terms (NCHW for images). */
  shape: number[];
  /** True when the TFLite tensor holds this 4-D value as NHWC. */
  nhwc: boolean;
}

/** NHWC_AXIS[a]: where ONNX (NCHW) axis a lives in the NHWC tensor. */
export const NHWC_AXIS: readonly number[] = [0, 3, 1, 2];
/** Stored axis i of an NHWC tensor holds ONNX axis NCHW_TO_NHWC[i] (the TRANSPOSE perm NCHW → NHWC). */
export const NCHW_TO_NHWC: readonly number[] = [0, 2, 3, 1];
export const NHWC_TO_NCHW: readonly number[] = [0, 3, 1, 2];

export const nhwcShape = (s: readonly number[]): number[] => [s[0], s[2], s[3], s[1]] as number[];

/** True when NCHW and NHWC orders of this shape are the same bytes (only one of C and H·W exceeds 1). */
export function sameBytesInBothLayouts(shape: readonly number[]): boolean {
  const [, c, h, w] = shape as [number, number, number, number];
  return c === 1 || h * w === 1;
}

export class TfliteGraph {
  readonly tensors: TfliteTensorSpec[] = [];
  readonly operators: TfliteOperatorSpec[] = [];
  /** Layout changes inserted (TRANSPOSE ops), for the report. */
  transposes = 0;
  private readonly names = new Set<string>();
  private readonly layoutCache = new Map<string, Value>();

  storedShape(v: Value): number[] {
    return v.nhwc ? nhwcShape(v.shape) : [...v.shape];
  }

  private unique(name: string): string {
    let candidate = name || 't';
    for (let i = 1; this.names.has(candidate); i++) candidate = `${name}_${i}`;
    this.names.add(candidate);
    return candidate;
  }

  /** A new activation tensor for a value of ONNX shape `shape`. */
  activation(name: string, shape: number[], nhwc: boolean): Value {
    if (nhwc && shape.length !== 4) throw new StudioError('INTERNAL', `Value '${name}' of rank ${shape.length} cannot be NHWC.`);
    const tensor = this.unique(name);
    const value = { tensor, shape, nhwc };
    this.tensors.push({ name: tensor, type: 'float32', shape: this.storedShape(value) });
    return value;
  }

  floatConst(name: string, dims: number[], values: ArrayLike<number>): string {
    const tensor = this.unique(name);
    this.tensors.push({ name: tensor, type: 'float32', shape: dims, data: values instanceof Float32Array ? values : Float32Array.from(values) });
    return tensor;
  }

  intConst(name: string, dims: number[], values: ArrayLike<number>): string {
    const tensor = this.unique(name);
    this.tensors.push({ name: tensor, type: 'int32', shape: dims, data: Int32Array.from(values) });
    return tensor;
  }

  /** A float constant given in ONNX terms, laid out for an operand of rank `rank` in layout nhwc. */
  operandConst(name: string, dims: number[], values: ArrayLike<number>, rank: number, nhwc: boolean): string {
    const padded = [...new Array<number>(Math.max(rank - dims.length, 0)).fill(1), ...dims];
    if (!nhwc) return this.floatConst(name, padded, values);
    const t = transposeValues(values, padded, NCHW_TO_NHWC);
    return this.floatConst(name, t.dims, t.values);
  }

  op(op: TfliteBuiltinOpName, inputs: string[], outputs: string[], table?: keyof typeof BuiltinOptions, values?: FlatTable, version?: number): void {
    const spec: TfliteOperatorSpec = { op, inputs, outputs, ...(table ? { builtin: { table, values } } : {}), ...(version ? { version } : {}) };
    this.operators.push(spec);
  }

  /** Pushes an already typed operator spec (the typed short forms of tflite-writer). */
  push(spec: TfliteOperatorSpec): void {
    this.operators.push(spec);
  }

  reshape(input: string, name: string, shape: number[], nhwc = false): Value {
    const out = this.activation(name, shape, nhwc);
    this.op('RESHAPE', [input], [out.tensor], 'ReshapeOptions', { newShape: this.storedShape(out) });
    return out;
  }

  transpose(input: string, name: string, perm: readonly number[], shape: number[], nhwc = false): Value {
    const out = this.activation(name, shape, nhwc);
    this.op('TRANSPOSE', [input, this.intConst(`${name}.perm`, [perm.length], perm)], [out.tensor]);
    this.transposes++;
    return out;
  }

  /** The value as an NHWC tensor (a 4-D plain value gets one TRANSPOSE, or a RESHAPE when the bytes agree). */
  asNhwc(v: Value): Value {
    if (v.nhwc) return v;
    if (v.shape.length !== 4) throw new StudioError('INTERNAL', `Value in '${v.tensor}' is ${v.shape.length}-D; only 4-D values become NHWC.`);
    const key = `${v.tensor}|nhwc`;
    const cached = this.layoutCache.get(key);
    if (cached) return cached;
    const out = sameBytesInBothLayouts(v.shape)
      ? this.reshape(v.tensor, `${v.tensor}.nhwc`, v.shape, true)
      : this.transpose(v.tensor, `${v.tensor}.nhwc`, NCHW_TO_NHWC, v.shape, true);
    this.layoutCache.set(key, out);
    return out;
  }

  /** The value in ONNX order (an NHWC value gets one TRANSPOSE, or a RESHAPE when the bytes agree). */
  asPlain(v: Value): Value {
    if (!v.nhwc) return v;
    const key = `${v.tensor}|plain`;
    const cached = this.layoutCache.get(key);
    if (cached) return cached;
    const out = sameBytesInBothLayouts(v.shape)
      ? this.reshape(v.tensor, `${v.tensor}.nchw`, v.shape, false)
      : this.transpose(v.tensor, `${v.tensor}.nchw`, NHWC_TO_NCHW, v.shape, false);
    this.layoutCache.set(key, out);
    return out;
  }

  /** A tensor whose bytes are the value in ONNX order (input to a RESHAPE: no copy when the bytes already agree). */
  plainBytes(v: Value): string {
    return v.nhwc && !sameBytesInBothLayouts(v.shape) ? this.asPlain(v).tensor : v.tensor;
  }

  spec(description: string, subgraphName: string, inputs: string[], outputs: string[]): TfliteModelSpec {
    return { description, subgraphName, tensors: this.tensors, inputs, outputs, operators: this.operators };
  }
}
