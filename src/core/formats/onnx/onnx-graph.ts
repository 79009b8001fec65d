/**
 * A full, editable decode of an ONNX ModelProto into the OnnxModelSpec that encodeOnnxModel
 * writes, so decode → edit → encode round-trips (quantization works this way).
 *
 * Field numbers are those of onnx/onnx.proto. Every field the spec can hold is kept, tensor
 * data included (copied into aligned typed arrays). A field the spec cannot hold (external
 * data, sparse initializers, functions, training info, string tensors, non-tensor types, ...)
 * is refused with a MODEL_FORMAT error naming it: dropping it silently would change the model.
 */
import { StudioError } from '../../../shared/errors';
import { WireReader, WireType } from '../protobuf/wire-reader';
import { exactInt64, inferAttributeType, readDoubles, readInt64s, readUint64s, tensorData } from './onnx-graph-wire';
import { OnnxDataType } from './onnx-types';
import type {
  OnnxAttributeValue,
  OnnxGraphSpec,
  OnnxModelSpec,
  OnnxNodeSpec,
  OnnxTensorSpec,
  OnnxValueInfoSpec,
} from './onnx-writer';

const FORMAT_LABEL = 'ONNX model';

/** Names unsupported fields in errors: "ModelProto.functions (field 25)". */
const UNSUPPORTED: Record<string, Record<number, string>> = {
  ModelProto: { 4: 'domain', 20: 'training_info', 25: 'functions', 26: 'configuration' },
  GraphProto: { 14: 'quantization_annotation', 15: 'sparse_initializer', 16: 'metadata_props' },
  NodeProto: { 8: 'overload', 9: 'metadata_props', 10: 'device_configurations' },
  AttributeProto: { 11: 'sparse_tensor', 13: 'doc_string', 14: 'type_proto', 15: 'type_protos', 21: 'ref_attr_name', 22: 'sparse_tensors', 23: 'graphs' },
  TensorProto: { 3: 'segment', 6: 'string_data', 12: 'doc_string', 13: 'external_data', 16: 'metadata_props' },
  ValueInfoProto: { 3: 'doc_string', 4: 'metadata_props' },
  TypeProto: { 4: 'sequence_type', 5: 'map_type', 6: 'denotation', 8: 'sparse_tensor_type', 9: 'optional_type' },
};

class Decoder {
  constructor(private readonly fileName: string) {}

  private refuse(r: WireReader, message: string, field: number, wireType: number): never {
    const names = UNSUPPORTED[message] ?? {};
    const what = names[field] ? `${message}.${names[field]} (field ${field})` : `${message} field ${field} (wire type ${wireType})`;
    throw new StudioError(
      'MODEL_FORMAT',
      `'${this.fileName}' uses ${what}, which the studio's ONNX editor cannot keep; ` +
        'it refuses to rewrite the model rather than drop it. Re-export the model without it (for example with external data inlined and functions inlined).',
      { file: this.fileName, field: what, offset: String(r.position) },
    );
  }

  model(r: WireReader): OnnxModelSpec {
    const spec: OnnxModelSpec = {
      irVersion: 0,
      opsetImports: [],
      producerName: '',
      producerVersion: '',
      graphName: '',
      inputs: [],
      outputs: [],
      initializers: [],
      nodes: [],
    };
    let sawGraph = false;
    let sawIr = false;
    while (r.more()) {
      const { field, wireType } = r.tag();
      const len = wireType === WireType.LENGTH_DELIMITED;
      if (field === 1 && wireType === WireType.VARINT) {
        spec.irVersion = r.int64();
        sawIr = true;
      } else if (field === 2 && len) spec.producerName = r.string();
      else if (field === 3 && len) spec.producerVersion = r.string();
      else if (field === 5 && wireType === WireType.VARINT) spec.modelVersion = r.int64();
      else if (field === 6 && len) spec.docString = r.string();
      else if (field === 7 && len) {
        const graph = this.graph(r.message());
        spec.graphName = graph.name;
        spec.inputs = graph.inputs;
        spec.outputs = graph.outputs;
        spec.initializers = graph.initializers;
        spec.nodes = graph.nodes;
        if (graph.valueInfo) spec.valueInfo = graph.valueInfo;
        if (graph.docString) throw this.graphDocString();
        sawGraph = true;
      } else if (field === 8 && len) spec.opsetImports.push(this.opset(r.message()));
      else if (field === 14 && len) {
        const [key, value] = this.stringPair(r.message());
        (spec.metadataProps ??= {})[key] = value;
      } else this.refuse(r, 'ModelProto', field, wireType);
    }
    if (!sawIr || !sawGraph) {
      throw r.error(0, `it has no ${sawIr ? 'graph' : 'ir_version'} field, so it is not a complete ONNX ModelProto (is it truncated?)`);
    }
    return spec;
  }

  /** OnnxModelSpec has no top-level graph doc string (only subgraphs carry one). */
  private graphDocString(): StudioError {
    return new StudioError(
      'MODEL_FORMAT',
      `'${this.fileName}' has a doc string on its main graph (GraphProto.doc_string), which the studio's ONNX editor cannot keep; move it to the model's doc string and retry.`,
      { file: this.fileName, field: 'GraphProto.doc_string' },
    );
  }

  private opset(r: WireReader): { domain: string; version: number } {
    const opset = { domain: '', version: 0 };
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === WireType.LENGTH_DELIMITED) opset.domain = r.string();
      else if (field === 2 && wireType === WireType.VARINT) opset.version = r.int64();
      else this.refuse(r, 'OperatorSetIdProto', field, wireType);
    }
    return opset;
  }

  private stringPair(r: WireReader): [string, string] {
    let key = '';
    let value = '';
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === WireType.LENGTH_DELIMITED) key = r.string();
      else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) value = r.string();
      else this.refuse(r, 'StringStringEntryProto', field, wireType);
    }
    return [key, value];
  }

  graph(r: WireReader): OnnxGraphSpec {
    const graph: OnnxGraphSpec = { name: '', inputs: [], outputs: [], initializers: [], nodes: [] };
    const valueInfo: OnnxValueInfoSpec[] = [];
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (wireType !== WireType.LENGTH_DELIMITED) this.refuse(r, 'GraphProto', field, wireType);
      if (field === 1) graph.nodes.push(this.node(r.message()));
      else if (field === 2) graph.name = r.string();
      else if (field === 5) graph.initializers.push(this.tensor(r.message()));
      else if (field === 10) graph.docString = r.string();
      else if (field === 11) graph.inputs.push(this.valueInfo(r.message()));
      else if (field === 12) graph.outputs.push(this.valueInfo(r.message()));
      else if (field === 13) valueInfo.push(this.valueInfo(r.message()));
      else this.refuse(r, 'GraphProto', field, wireType);
    }
    if (valueInfo.length > 0) graph.valueInfo = valueInfo;
    return graph;
  }

  private node(r: WireReader): OnnxNodeSpec {
    const node: OnnxNodeSpec = { opType: '', name: '', inputs: [], outputs: [] };
    const attributes: Record<string, OnnxAttributeValue> = {};
    let hasAttributes = false;
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (wireType !== WireType.LENGTH_DELIMITED) this.refuse(r, 'NodeProto', field, wireType);
      if (field === 1) node.inputs.push(r.string());
      else if (field === 2) node.outputs.push(r.string());
      else if (field === 3) node.name = r.string();
      else if (field === 4) node.opType = r.string();
      else if (field === 5) {
        const [name, value] = this.attribute(r.message());
        attributes[name] = value;
        hasAttributes = true;
      } else if (field === 6) node.docString = r.string();
      else if (field === 7) node.domain = r.string();
      else this.refuse(r, 'NodeProto', field, wireType);
    }
    if (hasAttributes) node.attributes = attributes;
    return node;
  }

  private attribute(r: WireReader): [string, OnnxAttributeValue] {
    let name = '';
    let type = 0;
    let f: number | undefined;
    let i: number | bigint | undefined;
    let s: string | undefined;
    let t: OnnxTensorSpec | undefined;
    let g: OnnxGraphSpec | undefined;
    const floats: number[] = [];
    const ints: (number | bigint)[] = [];
    const strings: string[] = [];
    const tensors: OnnxTensorSpec[] = [];
    while (r.more()) {
      const { field, wireType } = r.tag();
      const len = wireType === WireType.LENGTH_DELIMITED;
      if (field === 1 && len) name = r.string();
      else if (field === 20 && wireType === WireType.VARINT) type = r.int64();
      else if (field === 2 && wireType === WireType.FIXED32) f = r.float();
      else if (field === 3 && wireType === WireType.VARINT) i = exactInt64(r.uint64Big());
      else if (field === 4 && len) s = this.utf8(r);
      else if (field === 5 && len) t = this.tensor(r.message());
      else if (field === 6 && len) g = this.graph(r.message());
      else if (field === 7) r.repeatedFloat(wireType, floats);
      else if (field === 8) readInt64s(r, wireType, ints);
      else if (field === 9 && len) strings.push(this.utf8(r));
      else if (field === 10 && len) tensors.push(this.tensor(r.message()));
      else this.refuse(r, 'AttributeProto', field, wireType);
    }
    const where = `attribute '${name}'`;
    // Files from before IR version 3 may omit the type; it follows from the field that is set.
    if (type === 0) type = inferAttributeType({ f, i, s, t, g, floats, ints, strings, tensors });
    switch (type) {
      case 1:
        return [name, { float: f ?? 0 }];
      case 2:
        return [name, { int: i ?? 0 }];
      case 3:
        return [name, { string: s ?? '' }];
      case 4:
        if (!t) throw this.missing(where, 'its tensor');
        return [name, { tensor: t }];
      case 5:
        if (!g) throw this.missing(where, 'its graph');
        return [name, { graph: g }];
      case 6:
        return [name, { floats }];
      case 7:
        return [name, { ints }];
      case 8:
        return [name, { strings }];
      case 9:
        return [name, { tensors }];
      default:
        throw new StudioError(
          'MODEL_FORMAT',
          `'${this.fileName}' has ${where} of AttributeProto type ${type}, which the studio's ONNX editor cannot keep (it keeps FLOAT, INT, STRING, TENSOR, GRAPH and their lists except GRAPHS).`,
          { file: this.fileName, attribute: name },
        );
    }
  }

  private missing(where: string, what: string): StudioError {
    return new StudioError('MODEL_FORMAT', `'${this.fileName}' has ${where} without ${what}; the file is damaged. Re-export it.`, {
      file: this.fileName,
    });
  }

  /** Strings that are not valid UTF-8 (raw bytes in custom ops) would change if re-encoded, so they are refused. */
  private utf8(r: WireReader): string {
    const bytes = r.bytesView();
    try {
      return strictDecoder.decode(bytes);
    } catch {
      throw new StudioError(
        'MODEL_FORMAT',
        `'${this.fileName}' has a string field that is not valid UTF-8 (at byte ${r.position}); the studio's ONNX editor would change its bytes, so it refuses the model.`,
        { file: this.fileName, offset: String(r.position) },
      );
    }
  }

  private valueInfo(r: WireReader): OnnxValueInfoSpec {
    let name = '';
    let typed: Omit<OnnxValueInfoSpec, 'name'> | undefined;
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === WireType.LENGTH_DELIMITED) name = r.string();
      else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) typed = this.type(r.message());
      else this.refuse(r, 'ValueInfoProto', field, wireType);
    }
    if (!typed) {
      throw new StudioError('MODEL_FORMAT', `'${this.fileName}' declares value '${name}' without a type, which the studio's ONNX editor cannot write back. Re-export the model with types.`, {
        file: this.fileName,
        value: name,
      });
    }
    return { name, ...typed };
  }

  private type(r: WireReader): Omit<OnnxValueInfoSpec, 'name'> {
    let result: Omit<OnnxValueInfoSpec, 'name'> | undefined;
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === WireType.LENGTH_DELIMITED) result = this.tensorType(r.message());
      else this.refuse(r, 'TypeProto', field, wireType);
    }
    return result ?? { elemType: OnnxDataType.UNDEFINED };
  }

  private tensorType(r: WireReader): Omit<OnnxValueInfoSpec, 'name'> {
    const result: Omit<OnnxValueInfoSpec, 'name'> = { elemType: OnnxDataType.UNDEFINED };
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === WireType.VARINT) result.elemType = r.int64();
      else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) {
        const shape: (number | string | null)[] = [];
        const shapeReader = r.message();
        while (shapeReader.more()) {
          const dimTag = shapeReader.tag();
          if (dimTag.field === 1 && dimTag.wireType === WireType.LENGTH_DELIMITED) shape.push(this.dim(shapeReader.message()));
          else this.refuse(shapeReader, 'TensorShapeProto', dimTag.field, dimTag.wireType);
        }
        result.shape = shape;
      } else this.refuse(r, 'TypeProto.Tensor', field, wireType);
    }
    return result;
  }

  private dim(r: WireReader): number | string | null {
    let dim: number | string | null = null;
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === WireType.VARINT) dim = r.int64();
      else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) dim = r.string();
      else if (field === 3) this.refuse(r, 'TensorShapeProto.Dimension (denotation)', field, wireType);
      else this.refuse(r, 'TensorShapeProto.Dimension', field, wireType);
    }
    return dim;
  }

  tensor(r: WireReader): OnnxTensorSpec {
    const dims: number[] = [];
    let dataType = 0;
    let name = '';
    let raw: Uint8Array | undefined;
    const floats: number[] = [];
    const doubles: number[] = [];
    const int32s: (number | bigint)[] = [];
    const int64s: (number | bigint)[] = [];
    const uint64s: bigint[] = [];
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1) r.repeatedInt64(wireType, dims);
      else if (field === 2 && wireType === WireType.VARINT) dataType = r.int64();
      else if (field === 4) r.repeatedFloat(wireType, floats);
      else if (field === 5) readInt64s(r, wireType, int32s);
      else if (field === 7) readInt64s(r, wireType, int64s);
      else if (field === 8 && wireType === WireType.LENGTH_DELIMITED) name = r.string();
      else if (field === 9 && wireType === WireType.LENGTH_DELIMITED) raw = r.bytesView();
      else if (field === 10) readDoubles(r, wireType, doubles);
      else if (field === 11) readUint64s(r, wireType, uint64s);
      else if (field === 14 && wireType === WireType.VARINT && r.int64() === 0) continue; // data_location DEFAULT
      else this.refuse(r, 'TensorProto', field === 14 ? 13 : field, wireType);
    }
    const data = tensorData(this.fileName, name, dims, dataType, raw, { floats, doubles, int32s, int64s, uint64s });
    return { name, dims, dataType, data };
  }

}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes ONNX ModelProto bytes into an editable OnnxModelSpec (tensor data included).
 * Throws StudioError('MODEL_FORMAT') for damaged files and for fields the spec cannot hold.
 */
export function decodeOnnxModel(bytes: Uint8Array, fileName = 'model.onnx'): OnnxModelSpec {
  const reader = new WireReader(bytes, { fileName, formatLabel: FORMAT_LABEL });
  if (bytes.byteLength === 0) throw reader.error(0, 'the file is empty');
  return new Decoder(fileName).model(reader);
}
