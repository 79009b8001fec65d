/**
 * `edgebench convert model.onnx --to tflite`: the ONNX → TFLite converter, its report (warnings
 * first and loud, then what was changed, the TFLite op counts) and the parity check per output.
 * A model with ops the converter does not handle stops before anything is written, with every such
 * node named (exit 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { StudioError } from '../../shared/errors';
import { convertOnnxToTflite, type ConversionReport } from '../../core/convert/onnx-to-tflite';
import { PARITY_MIN_COSINE, parityLines, type ParityReport } from '../../core/convert/parity';
import { checkTfliteParity } from '../../core/convert/tflite-parity';
import { decodeModelProto } from '../../core/formats/onnx/onnx-codec';
import type { CommandIo } from '../io';

/** Below this largest |value|, an output is ~0 on random inputs and its cosine measures rounding. */
const NEAR_ZERO_OUTPUT = 1e-4;

export function reportLines(report: ConversionReport): string[] {
  const ops = Object.entries(report.operatorsByOp).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`);
  return [
    ...report.warnings.map((w) => `  WARNING: ${w}`),
    ...report.notes.map((n) => `  ${n}`),
    `  ONNX nodes: ${report.onnxNodeCount} (${report.foldedNodes} evaluated as constants); TFLite operators: ${report.operatorCount} (${ops.join(', ')})`,
  ];
}

/** For an output that failed while ~0 everywhere: say what its cosine means and what to do. */
function nearZeroHints(parity: ParityReport): string[] {
  return parity.outputs
    .filter((o) => o.cosine < PARITY_MIN_COSINE && o.maxAbsReference < NEAR_ZERO_OUTPUT)
    .map((o) => `  note: '${o.name}' is almost zero on these random inputs (largest |value| ${o.maxAbsReference.toExponential(1)}), so its cosine measures rounding of tiny values; its max abs error is ${o.maxAbsError.toExponential(2)}. Check it on real inputs.`);
}

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
  if (options.inputShapes.length > graphInputs.length) {
    throw new StudioError('BAD_INPUT', `--input-shape was given ${options.inputShapes.length} times but '${basename(source)}' has ${graphInputs.length} input(s) (${graphInputs.map((i) => i.name).join(', ')}); give one per input, in order.`, { flag: 'input-shape' });
  }
  const inputShapes = new Map(options.inputShapes.map((shape, i) => [graphInputs[i]?.name ?? '', shape]));
  const converted = convertOnnxToTflite(model, { fileName: basename(source), inputShapes });
  const convertMs = performance.now() - started;
  const out = options.out ?? join(dirname(source), `${basename(source, extname(source))}.tflite`);
  writeFileSync(out, converted.bytes);
  const parity = await checkTfliteParity(bytes, out, converted.inputs, converted.outputs, options.seed ?? 0);
  if (options.json) {
    io.out(JSON.stringify({ out, convertMs, bytes: converted.bytes.length, report: converted.report, inputs: converted.inputs, outputs: converted.outputs, parity }, null, 2));
  } else {
    io.out([
      `Converted ${source} → ${out} (${converted.report.operatorCount} TFLite operators, ${converted.bytes.length} bytes, ${convertMs.toFixed(0)} ms)`,
      ...reportLines(converted.report),
      ...parityLines(parity),
      ...nearZeroHints(parity),
    ].join('\n'));
  }
  return parity.ok ? 0 : 1;
}
