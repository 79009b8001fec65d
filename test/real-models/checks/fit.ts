/**
 * `edgebench fit MODEL.tflite --json` against every chip: which limit the model exceeds (RAM,
 * flash or both), which of its ops TFLite Micro cannot run, and on the chips the EdgeBench firmware
 * runs on, which TFLM ops that firmware does not register, as the table states them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../../helpers/run-cli';
import { edgebench } from '../cli';
import type { TfliteRow } from '../table';

/**
 * The chips the EdgeBench firmware (resources/firmware/esp32-tflm, built for esp32 and esp32s3 by its
 * sdkconfig.defaults.*) runs on; the STM32 profiles are MLPerf Tiny builds linking TFLM's kernels.
 */
const EDGEBENCH_FIRMWARE_CHIPS = new Set(['esp32', 'esp32-wrover', 'esp32s3', 'esp32s3-n16r8']);

/** The builtin ops the firmware registers, read from its C++ (one `case B::BuiltinOperator_X:` each). */
function firmwareRegisters(): Set<string> {
  const cpp = readFileSync(path.join(repoRoot, 'resources/firmware/esp32-tflm/main/op_resolver.cpp'), 'utf8');
  return new Set([...cpp.matchAll(/case\s+B::BuiltinOperator_([A-Z0-9_]+)\s*:/g)].map((m) => m[1] as string));
}

/** One chip's estimate as `fit --json` prints it. */
interface FitJson {
  chip: string;
  verdict: string;
  sentence: string;
  arenaBytes: number;
  modelBytes: number;
  /** Which limits the model exceeds on this chip. */
  exceeds?: Array<'ram' | 'flash'>;
  /** Ops of the model TFLite Micro cannot run: names, or objects with the op's name. */
  unsupportedOps?: Array<string | { op: string }>;
}

/**
 * The two facts the fit helper adds to each chip's estimate, read from the JSON fields `exceeds`
 * and `unsupportedOps`: the field names are this table's proposal; rename them here to match.
 */
function fitFacts(estimate: FitJson): { exceeds: string[] | 'not reported'; cannotRun: string[] | 'not reported' } {
  return {
    exceeds: estimate.exceeds ? [...estimate.exceeds].sort() : 'not reported',
    cannotRun: estimate.unsupportedOps ? estimate.unsupportedOps.map((op) => (typeof op === 'string' ? op : op.op)).sort() : 'not reported',
  };
}

export async function checkFit(row: TfliteRow, file: string): Promise<void> {
  const outcome = await edgebench(['fit', file, '--json']);
  expect(outcome.code, outcome.stderr).toBe(0);
  const estimates = JSON.parse(outcome.stdout) as FitJson[];
  const tflmCannotRun = row.fit.tflmCannotRun.map((entry) => entry.op);
  // The table's firmware list is the row's ops (flatc's histogram) that op_resolver.cpp does not register, besides those TFLM lacks.
  const registered = firmwareRegisters();
  expect(row.fit.firmwareCannotRun.map((entry) => entry.op).sort()).toEqual(Object.keys(row.inspect.ops).filter((op) => !registered.has(op) && !tflmCannotRun.includes(op)).sort());

  const observed: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const [chip, { exceeds }] of Object.entries(row.fit.chips)) {
    const firmware = EDGEBENCH_FIRMWARE_CHIPS.has(chip) ? row.fit.firmwareCannotRun.map((entry) => entry.op) : [];
    const cannotRun = [...tflmCannotRun, ...firmware].sort();
    const estimate = estimates.find((e) => e.chip === chip);
    if (!estimate) {
      observed[chip] = 'no estimate for this chip';
      expected[chip] = { exceeds };
      continue;
    }
    const facts = fitFacts(estimate);
    observed[chip] = {
      exceeds: facts.exceeds,
      cannotRun: facts.cannotRun,
      // The sentence names every limit exceeded and every op that cannot run.
      sentenceNames: [...(exceeds.includes('ram') ? ['RAM'] : []), ...(exceeds.includes('flash') ? ['flash'] : []), ...cannotRun].filter((word) => estimate.sentence.includes(word)),
      verdict: exceeds.length > 0 ? estimate.verdict : 'not checked',
      modelBytes: estimate.modelBytes,
      // TFLite Micro's own planner lays the activations out in at least this many bytes.
      arenaAtLeastTflmPlan: estimate.arenaBytes >= row.fit.tflmArenaAtLeast ? true : `${estimate.arenaBytes} < ${row.fit.tflmArenaAtLeast}`,
    };
    expected[chip] = {
      exceeds: [...exceeds].sort(),
      cannotRun,
      sentenceNames: [...(exceeds.includes('ram') ? ['RAM'] : []), ...(exceeds.includes('flash') ? ['flash'] : []), ...cannotRun],
      verdict: exceeds.length > 0 ? 'does-not-fit' : 'not checked',
      modelBytes: row.fit.modelBytes,
      arenaAtLeastTflmPlan: true,
    };
  }
  expect(observed).toEqual(expected);
}

/** A model that is not TFLite: fit refuses with exactly the row's sentence ('{file}' is the path given). */
export async function checkFitRefusal(refusal: string, file: string): Promise<void> {
  const outcome = await edgebench(['fit', file, '--json']);
  expect({ code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr.trim() }).toEqual({ code: 2, stdout: '', stderr: refusal.replaceAll('{file}', file) });
}
