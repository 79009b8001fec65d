/**
 * What `edgebench inspect --json` reports for a row, reduced to the table's facts so one
 * toEqual shows every difference at once; and the table's facts next to the independent readers'.
 */
import { expect } from 'vitest';
import type { ModelInfo } from '../../../src/shared/model-info';
import { edgebench } from '../cli';
import type { OnnxFacts, TensorFacts } from '../independent/onnx-readers';
import type { TfjsConverterFacts } from '../independent/tfjs-reader';
import type { Macs, ModelRow, OnnxRow, TfjsRow, TfliteRow } from '../table';

export async function inspectJson(file: string, flags: string[] = []): Promise<ModelInfo> {
  const outcome = await edgebench(['inspect', file, ...flags, '--json']);
  expect(outcome.stderr, 'edgebench inspect wrote to stderr').toBe('');
  expect(outcome.code).toBe(0);
  return JSON.parse(outcome.stdout) as ModelInfo;
}

const tensors = (list: ModelInfo['inputs']): TensorFacts[] => list.map(({ name, dtype, shape }) => ({ name, dtype, shape }));

/**
 * MACs as inspect states them: the number, or, where the table says MACs have no single value,
 * which of the dims (or inputs) the row lists are quoted by a note about MACs, and how many MAC
 * nodes a note says are not counted.
 */
function observedMacs(info: ModelInfo, expected: Macs): Macs {
  if (typeof expected === 'number') return info.macs;
  const macNotes = info.notes.filter((note) => /MAC/.test(note));
  const quoted = expected.undefinedBecause.filter((token) => macNotes.some((note) => note.includes(token)));
  if (quoted.length === 0) return info.macs;
  const uncounted = macNotes.map((note) => /^MACs of (\d+) node\(s\) are not counted/.exec(note)?.[1]).find((n) => n !== undefined);
  return { undefinedBecause: quoted, ...(uncounted !== undefined ? { uncounted: Number(uncounted) } : {}) };
}

/** Inspect's facts in the table's terms, for toEqual against row.inspect. */
export function observedInspect(row: ModelRow, info: ModelInfo): Record<string, unknown> {
  const base = { parameters: info.parameters, ops: info.ops, macs: observedMacs(info, row.inspect.macs) };
  switch (row.format) {
    case 'onnx': {
      const version = /^opset (\d+) \(ir (\d+)\)$/.exec(info.formatVersion ?? '');
      return {
        opset: version ? Number(version[1]) : info.formatVersion,
        irVersion: version ? Number(version[2]) : info.formatVersion,
        inputs: tensors(info.inputs),
        outputs: tensors(info.outputs),
        ...base,
      };
    }
    case 'tflite': {
      const version = /^schema (\d+)$/.exec(info.formatVersion ?? '');
      return { schemaVersion: version ? Number(version[1]) : info.formatVersion, inputs: tensors(info.inputs), outputs: tensors(info.outputs), ...base };
    }
    case 'tfjs': {
      // inspect names TF.js tensors by the signature's keys; the graph tensor each stands for is the table's.
      const withTensor = (list: ModelInfo['inputs'], table: TfjsRow['inspect']['inputs']): Array<TensorFacts & { tensor: string | undefined }> =>
        list.map(({ name, dtype, shape }) => ({ name, tensor: table.find((t) => t.name === name)?.tensor, dtype, shape }));
      return { inputs: withTensor(info.inputs, row.inspect.inputs), outputs: sortByName(withTensor(info.outputs, row.inspect.outputs)), ...base };
    }
  }
}

/** The row's inspect facts as toEqual compares them (TF.js outputs in name order: the file's order and the converter's differ). */
export function expectedInspect(row: ModelRow): Record<string, unknown> {
  if (row.format === 'onnx') {
    const { macsAt: _sized, macsWhy: _why, ...facts } = row.inspect;
    return facts;
  }
  if (row.format !== 'tfjs') return { ...row.inspect };
  const order = (list: TfjsRow['inspect']['inputs']): TfjsRow['inspect']['inputs'] => list.map((t) => ({ name: t.name, tensor: t.tensor, dtype: t.dtype, shape: t.shape }));
  return { ...row.inspect, inputs: order(row.inspect.inputs), outputs: sortByName(order(row.inspect.outputs)) };
}

function sortByName<T extends { name: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * python3-onnx's facts next to the table's. MACs are compared where the table gives a figure:
 * onnx_facts.py counts them from onnx's shape inference on graphs without control flow (and
 * prints null for a graph with If/Loop/Scan, whose bodies it does not follow).
 */
export function expectOnnxTableMatchesPython(row: OnnxRow, facts: OnnxFacts): void {
  const { inputs, outputs, parameters, ops, opset, irVersion, macs } = row.inspect;
  const controlFlow = ['If', 'Loop', 'Scan'].some((op) => op in ops);
  const compareMacs = typeof macs === 'number';
  expect({
    opset: facts.opset,
    irVersion: facts.irVersion,
    inputs: facts.inputs,
    outputs: facts.outputs,
    parameters: facts.parameters,
    ops: facts.ops,
    ...(compareMacs ? { macs: facts.macs } : {}),
  }).toEqual({
    opset,
    irVersion,
    inputs,
    outputs,
    parameters,
    ops,
    ...(compareMacs ? { macs: controlFlow ? null : macs } : {}),
  });
  // Nodes a note says are not counted are MAC nodes the file has.
  if (typeof macs === 'object' && macs.uncounted !== undefined) {
    expect(macs.uncounted).toBeLessThanOrEqual(['Conv', 'Gemm', 'MatMul'].reduce((n, op) => n + (facts.ops[op] ?? 0), 0));
  }
}

/** onnxruntime's own metadata next to the table's (it cannot say which kind a non-tensor is). */
export function expectOnnxTableMatchesRuntime(row: OnnxRow, meta: { inputs: TensorFacts[]; outputs: TensorFacts[] }): void {
  const asRuntime = (list: TensorFacts[]): TensorFacts[] =>
    list.map((t) => (['sequence', 'map', 'optional'].includes(t.dtype ?? '') ? { name: t.name, dtype: 'non-tensor', shape: null } : t));
  expect(meta).toEqual({ inputs: asRuntime(row.inspect.inputs), outputs: asRuntime(row.inspect.outputs) });
}

/** LiteRT's compiled-model details next to the table's. */
export function expectTfliteTableMatchesLiteRt(row: TfliteRow, details: { inputs: TensorFacts[]; outputs: TensorFacts[] }): void {
  expect(details).toEqual({ inputs: row.inspect.inputs, outputs: row.inspect.outputs });
}

/** TF.js has no uint8 or uint16 tensors: the converter feeds such inputs as int32. */
function tfjsRuntimeDtype(fileDtype: string | null): string | null {
  return fileDtype === 'uint8' || fileDtype === 'uint16' ? 'int32' : fileDtype;
}

/**
 * tfjs-converter's reading next to the table's: tensor names, element types as TF.js feeds them,
 * shapes (the converter takes a graph Placeholder's shape, where a dim the signature fixes may be
 * -1; such a dim is unknown there, not different), output shapes (the file's, else the converter's
 * from running the model), parameters and the op histogram.
 */
export function expectTfjsTableMatchesConverter(row: TfjsRow, facts: TfjsConverterFacts): void {
  const compatible = (converter: TensorFacts['shape'], table: TensorFacts['shape']): TensorFacts['shape'] =>
    converter && table && converter.length === table.length ? converter.map((dim, i) => (dim === null ? table[i] ?? null : dim)) : converter;
  const inputs = facts.inputs.map((t) => {
    const entry = row.inspect.inputs.find((e) => e.tensor === t.name);
    return { tensor: t.name, dtype: t.dtype, shape: compatible(t.shape, entry?.shape ?? null) };
  });
  const outputs = facts.outputs.map((t) => t.name).sort();
  expect({ inputs, outputs, outputShapes: facts.outputShapes, parameters: facts.parameters, ops: facts.ops }).toEqual({
    inputs: row.inspect.inputs.map((t) => ({ tensor: t.tensor, dtype: tfjsRuntimeDtype(t.dtype), shape: t.shape })),
    outputs: row.inspect.outputs.map((t) => t.tensor).sort(),
    outputShapes: Object.fromEntries(row.inspect.outputs.map((t) => [t.tensor, t.shape])),
    parameters: row.inspect.parameters,
    ops: row.inspect.ops,
  });
}
