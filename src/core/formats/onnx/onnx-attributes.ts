/**
 * Reading attributes and value types of the generated ONNX messages. AttributeProto keeps every
 * kind of value in its own field; these read the field the attribute's name asks for, whatever
 * its declared type (files from before IR version 3 may omit the type).
 */
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from './generated/onnx_pb';
import type { Dim } from '../../../shared/model-info';
import { OnnxDataType } from './onnx-types';

export function attributeOf(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((attribute) => attribute.name === name);
}

export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = attributeOf(node, name);
  return attribute ? Number(attribute.i) : fallback;
}

export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const attribute = attributeOf(node, name);
  return attribute ? attribute.ints.map(Number) : undefined;
}

export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = attributeOf(node, name);
  return attribute ? attribute.f : fallback;
}

const utf8 = new TextDecoder();

export function stringAttribute(node: NodeProto, name: string, fallback: string): string {
  const attribute = attributeOf(node, name);
  return attribute ? utf8.decode(attribute.s) : fallback;
}

export function tensorAttribute(node: NodeProto, name: string): TensorProto | undefined {
  return attributeOf(node, name)?.t;
}

/** The default ONNX domain may be spelled '' or 'ai.onnx'. */
export function isDefaultDomain(node: NodeProto): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

/** Ops of other domains carry their domain, so "com.microsoft.QGemm" is not mistaken for an ONNX op. */
export function opKey(node: NodeProto): string {
  return isDefaultDomain(node) ? node.opType : `${node.domain}.${node.opType}`;
}

/** A value's tensor element type (0 when it is not a tensor or has none). */
export function elemTypeOf(info: ValueInfoProto): number {
  const type = info.type?.value;
  return type?.case === 'tensorType' || type?.case === 'sparseTensorType' ? type.value.elemType : OnnxDataType.UNDEFINED;
}

/** The kind of a non-tensor value, for ModelInfo ("sequence", "map", "optional"), or undefined for tensors. */
export function nonTensorKind(info: ValueInfoProto): string | undefined {
  const type = info.type?.value;
  if (type?.case === 'sequenceType') return 'sequence';
  if (type?.case === 'mapType') return 'map';
  if (type?.case === 'optionalType') return 'optional';
  return undefined;
}

/** A value's shape: numbers for fixed dims, names for symbolic ones, null for unknown; null for unknown rank. */
export function shapeOf(info: ValueInfoProto): Dim[] | null {
  const type = info.type?.value;
  if (type?.case !== 'tensorType' && type?.case !== 'sparseTensorType') return null;
  const shape = type.value.shape;
  if (!shape) return null;
  return shape.dim.map((dim) => {
    if (dim.value.case === 'dimValue') return dim.value.value >= 0n ? Number(dim.value.value) : null;
    if (dim.value.case === 'dimParam') return dim.value.value === '' ? null : dim.value.value;
    return null;
  });
}
