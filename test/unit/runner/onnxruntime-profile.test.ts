/**
 * The onnxruntime profile parser on a trace recorded from the demo model (onnxruntime-node 1.30,
 * graph optimization 'basic', 3 runs; see test/fixtures/ort-profile-demo.json), and the run
 * file's profile table made from it. Expected values are read off the fixture by hand.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { summarizeProfile } from '../../../src/core/bench/profile-summary';
import { nodeTotals, parseOrtProfile } from '../../../src/core/runner/runtimes/onnxruntime-profile';
import { StudioError } from '../../../src/shared/errors';

const fixturePath = fileURLToPath(new URL('../../fixtures/ort-profile-demo.json', import.meta.url));
const trace: unknown = JSON.parse(readFileSync(fixturePath, 'utf8'));

describe('parseOrtProfile', () => {
  const runs = parseOrtProfile(trace, fixturePath);

  test('finds one run per model_run event, with onnxruntime\'s own time in ms', () => {
    expect(runs.map((run) => run.runtimeMs)).toEqual([0.205, 0.039, 0.035]);
  });

  test('assigns each kernel to its run, named without the _kernel_time suffix, with its op type', () => {
    expect(runs[1]?.nodes).toEqual([
      { name: 'conv1', opType: 'Conv', durUs: 8 },
      { name: 'relu1', opType: 'Relu', durUs: 2 },
      { name: 'conv2', opType: 'Conv', durUs: 5 },
      { name: 'relu2', opType: 'Relu', durUs: 2 },
      { name: 'flatten', opType: 'Flatten', durUs: 2 },
      { name: 'dense', opType: 'Gemm', durUs: 4 },
    ]);
    expect(runs.every((run) => run.nodes.length === 6)).toBe(true);
  });

  test('ignores session events (loading, initialization, the executor span)', () => {
    const names = runs.flatMap((run) => run.nodes.map((node) => node.name));
    expect(names).not.toContain('model_loading_uri');
    expect(names).not.toContain('SequentialExecutor::Execute');
  });

  test('accepts the { traceEvents } form of the Chrome trace format', () => {
    expect(parseOrtProfile({ traceEvents: trace }, 'wrapped.json')).toEqual(runs);
  });

  test('a file that is not a trace is a RUNTIME error naming it', () => {
    const error = (() => {
      try {
        parseOrtProfile({ hello: 1 }, '/tmp/x.json');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe("The onnxruntime profile '/tmp/x.json' is not a Chrome trace (a JSON array of events); the profile was dropped.");
  });
});

describe('summarizeProfile', () => {
  // The last two runs, as the runtime keeps them (the first is the profile session's warm-up).
  const kept = parseOrtProfile(trace, fixturePath).slice(1);
  const profile = summarizeProfile({ runs: 2, runtimeRunMs: kept.map((r) => r.runtimeMs), wallRunMs: [0.05, 0.045], nodes: nodeTotals(kept) });

  test('nodes: mean µs per run and share of all kernel time, slowest first', () => {
    // totals over the two runs: conv1 12, conv2 10, dense 7, relu1 4, relu2 4, flatten 3 (sum 40)
    expect(profile.nodes.map((n) => [n.name, n.meanUs])).toEqual([
      ['conv1', 6],
      ['conv2', 5],
      ['dense', 3.5],
      ['relu1', 2],
      ['relu2', 2],
      ['flatten', 1.5],
    ]);
    expect(profile.nodes[0]?.share).toBeCloseTo(12 / 40, 12);
  });

  test('ops: aggregated by op type with node counts, shares summing to 1', () => {
    expect(profile.ops).toEqual([
      { opType: 'Conv', nodes: 2, meanUs: 11, share: 22 / 40 },
      { opType: 'Relu', nodes: 2, meanUs: 4, share: 8 / 40 },
      { opType: 'Gemm', nodes: 1, meanUs: 3.5, share: 7 / 40 },
      { opType: 'Flatten', nodes: 1, meanUs: 1.5, share: 3 / 40 },
    ]);
    expect(profile.ops.reduce((sum, op) => sum + op.share, 0)).toBeCloseTo(1, 12);
  });

  test('keeps the runtime\'s median next to our wall median', () => {
    expect(profile.runtimeMedianMs).toBeCloseTo(0.037, 12);
    expect(profile.wallMedianMs).toBeCloseTo(0.0475, 12);
    expect(profile.runs).toBe(2);
  });
});
