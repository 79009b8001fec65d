/**
 * Where the energy window sits in a real benchmark (real runner processes on the demo model): the
 * idle baseline and the reading start after warmup, reading stops before profiling, and the
 * inferences are the measured runs; a runner killed mid-measure leaves a partial run whose energy
 * covers the samples it kept. The meter here records the calls (a spy), not power.
 */
import { describe, expect, test } from 'vitest';
import { runLocalBenchmark, type BenchProgress } from '../../../src/core/bench/run-local-benchmark';
import type { CellEnergyMeter } from '../../../src/core/power/cell-meter';
import { energyPerInference, type EnergyTrace } from '../../../src/core/power/energy-math';
import { RunnerReply } from '../../../src/core/runner/protocol';
import { nodeForkSpawner, type RunnerSpawner } from '../../../src/core/runner/runner-client';
import { RunFile } from '../../../src/shared/run-schema';
import { DEMO_ONNX_PATH, jobFor, partialOf } from '../runner/bench-helpers';

const trace = (watts: number): EnergyTrace => ({ method: 'sampled', samples: Array.from({ length: 11 }, (_, i) => ({ tMs: i * 100, watts })) });

/** A meter that notes the benchmark's phase when it is called, and answers with a fixed 4 W idle / 9 W load. */
function spyMeter(phases: BenchProgress['phase'][]) {
  const calls: Array<{ call: string; lastPhase: string | undefined; inferences?: number }> = [];
  const meter: CellEnergyMeter = {
    beforeMeasure: () => {
      calls.push({ call: 'before', lastPhase: phases.at(-1) });
      return Promise.resolve();
    },
    afterMeasure: (inferences) => {
      calls.push({ call: 'after', lastPhase: phases.at(-1), inferences });
      return energyPerInference({ source: 'rapl', method: 'sampled', rails: ['spy'], window: 'measured', idle: trace(4), load: trace(9), inferences });
    },
    dispose: () => calls.push({ call: 'dispose', lastPhase: phases.at(-1) }),
  };
  return { meter, calls };
}

describe('the energy window in a benchmark', () => {
  test('starts after warmup, ends before profiling, and counts the measured runs', async () => {
    const phases: BenchProgress['phase'][] = [];
    const { meter, calls } = spyMeter(phases);
    const job = jobFor(DEMO_ONNX_PATH, null, { runs: 50, warmupRuns: 3, warmupMinTimeMs: 0, minTimeMs: 0, profileRuns: 5 });
    const outcome = await runLocalBenchmark(job, { spawner: nodeForkSpawner(), energy: meter, onProgress: (p) => phases.push(p.phase) });
    expect(outcome.state).toBe('completed');
    expect(calls.map((c) => [c.call, c.lastPhase])).toEqual([
      ['before', 'warmup'],
      ['after', 'measuring'],
      ['dispose', 'profiling'],
    ]);
    expect(phases).toContain('profiling');
    expect(calls[1]?.inferences).toBe(outcome.run.latencyMs.count);
    expect(RunFile.parse(outcome.run).energy?.perInferenceJ).toBeCloseTo((5 * 1) / outcome.run.latencyMs.count, 9);
  }, 120_000);

  test('a runner killed mid-measure leaves a partial run whose energy covers the samples kept', async () => {
    const inner = nodeForkSpawner();
    const spawner: RunnerSpawner = {
      spawn() {
        const child = inner.spawn();
        let killed = false;
        child.onLine('stdout', (line) => {
          const reply = RunnerReply.parse(JSON.parse(line));
          if (!killed && reply.type === 'progress' && reply.phase === 'measuring' && reply.completed >= 200) {
            killed = true;
            child.kill('SIGKILL');
          }
        });
        return child;
      },
    };
    const phases: BenchProgress['phase'][] = [];
    const { meter, calls } = spyMeter(phases);
    const job = jobFor(DEMO_ONNX_PATH, null, { runs: 10_000_000, warmupRuns: 1, warmupMinTimeMs: 0 });
    const { run } = await partialOf(runLocalBenchmark(job, { spawner, energy: meter }));
    expect(run.status).toBe('partial');
    expect(run.energy?.inferences).toBe(run.latencyMs.count);
    expect(calls.at(-1)?.call).toBe('dispose');
  }, 120_000);
});
