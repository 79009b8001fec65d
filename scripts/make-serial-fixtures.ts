// Makes serial run fixtures with the real serial target code on simulated boards (socat ptys).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BenchSettings, RunFile } from '../src/shared/run-schema';
import { DEFAULT_BENCH_SETTINGS } from '../src/shared/bench-defaults';
import { inspectModelFiles } from '../src/core/formats/inspect';
import { startSimulatorOnPty } from '../src/core/targets/serial/simulator/simulator-pty';
import { serialTargetKind } from '../src/core/targets/serial/serial-matrix-target';
import type { LocalBenchJob } from '../src/core/bench/run-local-benchmark';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = process.argv[2] ?? path.join(root, 'test/fixtures/runs');

async function job(modelPath: string, settings: BenchSettings, targetName: string): Promise<LocalBenchJob> {
  const info = await inspectModelFiles([modelPath]);
  return {
    modelPath,
    model: { name: path.basename(modelPath).replace(/\.[^.]+$/, ''), format: info.format, sha256: info.sha256, sizeBytes: info.sizeBytes, variant: 'float' },
    inputsInfo: info.inputs,
    settings,
    targetName,
    targetKind: 'serial',
    runtime: 'litert',
    job: { id: 'job-serial-fixture', cell: 0, cells: 1 },
  };
}

async function one(protocol: 'edgebench' | 'mlperf-tiny', name: string, settings: BenchSettings, override: { windows: number; minWindowMs: number } | undefined, file: string): Promise<void> {
  const sim = await startSimulatorOnPty({ protocol, seed: 7 });
  try {
    const opened = await serialTargetKind.open({ kind: 'serial', name: sim.label, path: sim.path, baudRate: 'auto', protocol }, { knownHostsFile: '/dev/null' });
    try {
      const outcome = await opened.target.runCell(await job(path.join(root, 'resources/models/demo-mnist.tflite'), settings, opened.target.name), override ? { reportModeOverride: override } : {});
      if (outcome.state !== 'completed') throw new Error(`${file}: the simulated board stopped early: ${outcome.error.message}`);
      const run = outcome.run;
      RunFile.parse(run);
      writeFileSync(path.join(out, file), `${JSON.stringify(run, null, 2)}\n`);
      console.log(file, run.target.name, run.report?.windows, run.report?.medianOfWindowsMs, run.latencyMs.count);
    } finally {
      await opened.close();
    }
  } finally {
    await sim.stop();
  }
}

const base = { ...DEFAULT_BENCH_SETTINGS, warmupMinTimeMs: 0 };
await one('edgebench', 'edgebench', BenchSettings.parse({ ...base, mode: 'report', runs: 10, warmupRuns: 3 }), { windows: 5, minWindowMs: 250 }, 'serial-edgebench-report.json');
await one('mlperf-tiny', 'mlperf', BenchSettings.parse({ ...base, mode: 'quick', runs: 100, warmupRuns: 2, minTimeMs: 1000 }), undefined, 'serial-mlperf-tiny.json');
