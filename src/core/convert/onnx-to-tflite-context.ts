/**
 * What an op handler of the ONNX → TFLite converter sees: the TFLite graph being built, the node,
 * its inputs as values (activations) or constants, and the ways to define outputs, fuse the
 * activation after it and refuse it by name.
 */
import { StudioError } from '../../shared/errors';
import type { NodeProto } from '../formats/onnx/onnx-codec';
import { type ConstTensor } from './onnx-constants';
import type { TfliteGraph, Value } from './tflite-graph';

export type Activation = 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1';

export function nodeLabel(node: NodeProto): string {
  return `Node '${node.name || node.output[0] || '?'}' (op ${node.opType})`;
}

export interface ConvertContext {
  readonly g: TfliteGraph;
  readonly node: NodeProto;
  /** The default domain's opset the model imports. */
  readonly opset: number;
  /** The activation at input i (a constant there is an error naming the node). */
  value(i: number): Value;
  /** The constant at input i, or undefined (absent input or an activation). */
  constant(i: number): ConstTensor | undefined;
  /** True when input i is given (not omitted) and is a constant. */
  isConst(i: number): boolean;
  /** The activation named `name` (any ONNX value; a constant or unknown name is an error naming the node). */
  valueOf(name: string): Value;
  /** True when an activation named `name` has been converted already. */
  hasValue(name: string): boolean;
  /** The constant named `name` (any ONNX value), or undefined. */
  constantOf(name: string): ConstTensor | undefined;
  /** The nodes reading ONNX value `name`. */
  consumersOf(name: string): NodeProto[];
  /** Flatten outputs whose values are in NHWC order, with the NCHW shape they came from (a Gemm reading one permutes its weights). */
  readonly flattenedFrom: Map<string, number[]>;
  /** True when input i is given. */
  has(i: number): boolean;
  /** Binds ONNX output i (or the name given) to a value. */
  define(value: Value, onnxName?: string): void;
  /** A new activation for ONNX output i, registered under its name. */
  output(shape: number[], nhwc: boolean, i?: number): Value;
  /**
   * When the only consumer of ONNX value `name` is Relu or a Relu6/Relu(-1,1)-style Clip, absorbs it:
   * the op fuses it, and its output is defined instead.
   */
  fuseActivation(name: string): { act: Activation; out: string };
  /** The only node reading `name` (not when `name` is also a graph output), without absorbing it. */
  onlyConsumer(name: string): NodeProto | undefined;
  /** Marks a later node as converted by this one. */
  absorb(node: NodeProto): void;
  /** When the only consumer of `name` is an op of this type, absorbs it and returns it. */
  absorbNext(name: string, opType: string): NodeProto | undefined;
  /** A line for the report; notes of one `group` are counted and reported once, with the first as example. */
  note(text: string, group?: string): void;
  fail(what: string): never;
}

export type OpHandler = (c: ConvertContext) => void;

export function failNode(node: NodeProto, what: string): never {
  throw new StudioError('BAD_INPUT', `${nodeLabel(node)} ${what}`);
}
