/** `edgebench convert model.onnx --to tflite`: the ONNX → TFLite converter, its report and the parity check. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { StudioError } from '../../shared/errors';
import { convertOnnxToTflite } from '../../core/convert/onnx-to-tflite';
import { parityLines } from '../../core/convert/parity';
import { checkTfliteParity } from '../../core/convert/tflite-parity';
import { decodeModelProto } from '../../core/formats/onnx/onnx-codec';
import type { CommandIo } from '../io';

export async function convertOnnxToTfliteCommand(source: string, options: { out?: string; seed?: number; json: boolean; inputShapes: number[][] }, io: CommandIo): Promise<number> {
  if (extname(source).toLowerCase() !== '.onnx') {
    throw new StudioError('BAD_INPUT', `--to tflite converts an ONNX file (.onnx); '${basename(source)}' is not one.`, { file: source });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(source));
  } catch {
    throw new StudioError('BAD_INPUT', `Cannot read '${source}'; check the path.`, { file: source });
  }
  const started = performance.now();
  const model = decodeModelProto(bytes, basename(source));
  const graphInputs = (model.graph?.input ?? []).filter((i) => !(model.graph?.initializer ?? []).some((t) => t.name === i.name));
  const inputShapes = new Map(options.inputShapes.map((shape, i) => [graphInputs[i]?.name ?? '', shape]));
  const converted = convertOnnxToTflite(model, { fileName: basename(source), inputShapes });
  const convertMs = performance.now() - started;
  const out = options.out ?? join(dirname(source), `${basename(source, extname(source))}.tflite`);
  writeFileSync(out, converted.bytes);
  const parity = await checkTfliteParity(bytes, out, converted.inputs, converted.outputs, options.seed ?? 0);
  if (options.json) {
    io.out(JSON.stringify({ out, convertMs, report: converted.report, inputs: converted.inputs, outputs: converted.outputs, parity }, null, 2));
  } else {
    io.out([
      `Converted ${source} → ${out} (${converted.report.operatorCount} TFLite operators, ${converted.bytes.length} bytes, ${convertMs.toFixed(0)} ms)`,
      ...converted.report.notes.map((n) => `  ${n}`),
      ...parityLines(parity),
    ].join('\n'));
  }
  return parity.ok ? 0 : 1;
}
