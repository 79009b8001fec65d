/**
 * "The board tells the truth", over real pseudo-terminals: `edgebench bench` on a simulated
 * EdgeBench board (its own process on a socat pty, opened through serialport like
 * /dev/ttyUSB0). A protocol v2 board's run file carries the arena it reported beside the fit
 * estimate and a per-op profile from its ticks, both labelled simulated, in the form the graph
 * overlay reads (node names are the model graph's ids); a v1 board (--protocol-version 1) still
 * benchmarks, with its arena and no per-op profile.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTfliteGraph } from '../../../src/core/formats/graph/tflite-graph';
import { estimateArena } from '../../../src/core/targets/serial/fit-estimate';
import { startSimulatorOnPty, type SimulatorOnPty } from '../../../src/core/targets/serial/simulator/simulator-pty';
import { RunFile } from '../../../src/shared/run-schema';
import { repoRoot, runCli } from '../../helpers/run-cli';

const DEMO_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
let dir: string;
const boards: SimulatorOnPty[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-board-truth-'));
});
afterAll(async () => {
  await Promise.all(boards.map((board) => board.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function benchOn(protocolVersion: 1 | 2, name: string): Promise<{ run: RunFile; stdout: string }> {
  const board = await startSimulatorOnPty({ protocol: 'edgebench', slowdown: 20, protocolVersion });
  boards.push(board);
  const out = path.join(dir, `${name}.json`);
  const result = await runCli(['bench', DEMO_TFLITE, '--target', `serial://${board.path}?protocol=edgebench`, '--runs', '30', '--warmup', '2', '--profile-runs', '8', '--out', out], { timeoutMs: 90_000 });
  expect(result.code, result.stderr).toBe(0);
  return { run: RunFile.parse(JSON.parse(readFileSync(out, 'utf8'))), stdout: result.stdout };
}

describe('a simulated board over a pseudo-terminal reports its arena and per-op ticks', () => {
  it('protocol v2: the run file has the arena used beside the estimate and a per-op profile on the graph’s node ids, all marked simulated; the CLI says SIMULATED', async () => {
    const { run, stdout } = await benchOn(2, 'v2');
    const model = new Uint8Array(readFileSync(DEMO_TFLITE));
    const estimate = estimateArena(model, 'demo-mnist.tflite').arenaBytes;
    expect(run.boardMemory).toEqual({ arenaUsedBytes: estimate, arenaCapacityBytes: 256 * 1024, arenaEstimateBytes: estimate, simulated: true, protocolVersion: 2 });
    expect(run.settings.profileRuns).toBe(8);

    const profile = run.profile;
    if (profile === undefined) throw new Error('the v2 run has no per-op profile');
    expect(profile).toMatchObject({ runs: 8, source: 'board', simulated: true });
    const graph = readTfliteGraph({ main: { name: 'demo-mnist.tflite', data: model }, companions: new Map() });
    // Every op of the model is timed, under the id the graph view gives it.
    expect(profile.nodes.map((n) => n.name).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(profile.nodes.every((n) => n.meanUs > 0)).toBe(true);
    expect(profile.nodes.reduce((sum, n) => sum + n.share, 0)).toBeCloseTo(1, 6);
    expect(profile.ops.map((op) => op.opType).sort()).toEqual(['CONV_2D', 'FULLY_CONNECTED', 'RESHAPE']);
    // The per-op times add up to the modelled invoke's order of magnitude (same slowdown, same host
    // model; the profile is a mean of few runs, the latency a median, so only the order is checked).
    expect(profile.runtimeMedianMs).toBeGreaterThan(run.latencyMs.median / 10);
    expect(profile.runtimeMedianMs).toBeLessThan(run.latencyMs.median * 10);

    expect(stdout).toMatch(/tensor arena used [\d.]+ KiB of 256(\.0)? KiB \(SIMULATED: the planner estimate\)\s+estimate [\d.]+ KiB/);
    expect(stdout).toMatch(/per-op profile \(8 runs, SIMULATED board's cost model\)/);
  });

  it('protocol v1: the same benchmark still runs; the arena is reported, and there is no per-op profile', async () => {
    const { run, stdout } = await benchOn(1, 'v1');
    expect(run.latencyMs.count).toBe(30);
    expect(run.boardMemory).toMatchObject({ simulated: true, protocolVersion: 1, arenaCapacityBytes: 256 * 1024 });
    expect(run.boardMemory?.arenaUsedBytes).toBeGreaterThan(0);
    expect(run.profile).toBeUndefined();
    expect(run.settings.profileRuns).toBe(0);
    expect(stdout).not.toMatch(/per-op profile/);
  });
});
