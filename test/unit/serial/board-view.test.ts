/**
 * A board run's arena and per-op time as the run detail words them: the fit estimate beside the
 * board's figure (measured, SIMULATED, or "not measured"), and a board's per-op ticks becoming a
 * profile that the graph overlay and the run diff read like onnxruntime's, with no special case.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTfliteGraph } from '../../../src/core/formats/graph/tflite-graph';
import { boardRunProfile } from '../../../src/core/targets/serial/board-profile';
import { boardArena, boardProfileMissing, profileSourceLine } from '../../../src/renderer/src/board-view';
import { latencyOverlay } from '../../../src/renderer/src/components/graph/overlay-builders';
import { diffRuns } from '../../../src/shared/graph/run-diff';
import { RunFile } from '../../../src/shared/run-schema';
import { repoRoot } from '../../helpers/run-cli';
import { FIXTURE_DIR, readRun } from '../reports/run-fixtures';

const DEMO = new Uint8Array(readFileSync(path.join(repoRoot, 'resources/models/demo-mnist.tflite')));
const graph = readTfliteGraph({ main: { name: 'demo-mnist.tflite', data: DEMO }, companions: new Map() });
/** A real serial run file from before this change (no boardMemory, no profile). */
const oldBoardRun = readRun(path.join(FIXTURE_DIR, 'serial-edgebench-report.json'));
const mlperfRun = readRun(path.join(FIXTURE_DIR, 'serial-mlperf-tiny.json'));

const ticks = (conv1: number, conv2: number, reshape: number, dense: number, simulated = false) =>
  boardRunProfile(
    {
      runs: 10,
      ticksPerSecond: 1_000_000,
      simulated,
      ops: [
        { index: 0, name: 'CONV_2D', ticks: conv1 },
        { index: 1, name: 'CONV_2D', ticks: conv2 },
        { index: 2, name: 'RESHAPE', ticks: reshape },
        { index: 3, name: 'FULLY_CONNECTED', ticks: dense },
      ],
    },
    DEMO,
    'demo-mnist.tflite',
  );

function boardRun(boardMemory: RunFile['boardMemory'], profile?: RunFile['profile']): RunFile {
  return RunFile.parse({ ...oldBoardRun, boardMemory, ...(profile ? { profile } : {}) });
}

describe('tensor arena: estimate beside the board', () => {
  it('a real board: the estimate, the measured arena of its capacity, and how far the estimate was off', () => {
    const arena = boardArena(boardRun({ arenaUsedBytes: 13_312, arenaCapacityBytes: 262_144, arenaEstimateBytes: 12_416, simulated: false, protocolVersion: 2 }));
    expect(arena?.rows.map((r) => [r.label, r.value, r.tone])).toEqual([
      ['Estimate (fit card)', '12.1 KiB', 'estimate'],
      ['Used on the board (measured)', '13.0 KiB of 256.0 KiB', 'measured'],
    ]);
    expect(arena?.note).toBe('The board used +896 B (+7 %) against the estimate.');
  });

  it('the simulated board: its figure is labelled SIMULATED and the note says it is the estimate itself', () => {
    const arena = boardArena(boardRun({ arenaUsedBytes: 12_416, arenaCapacityBytes: 262_144, arenaEstimateBytes: 12_416, simulated: true, protocolVersion: 2 }));
    expect(arena?.rows[1]).toMatchObject({ label: 'Used on the board (SIMULATED)', value: '12.1 KiB of 256.0 KiB', tone: 'simulated' });
    expect(arena?.note).toMatch(/^The simulated board has no TFLite Micro inside/);
  });

  it('a board that did not report its arena, an MLPerf Tiny board and a run file from before read "not measured", never 0', () => {
    const unreported = boardArena(boardRun({ arenaUsedBytes: null, arenaCapacityBytes: null, arenaEstimateBytes: 12_416, simulated: false, protocolVersion: 1 }));
    expect(unreported?.rows[1]).toMatchObject({ value: 'not measured', tone: 'missing' });
    expect(boardArena(mlperfRun)?.rows[1]).toMatchObject({ value: 'not measured', tone: 'missing' });
    expect(boardArena(mlperfRun)?.note).toMatch(/MLPerf Tiny firmware/);
    expect(oldBoardRun.boardMemory).toBeUndefined();
    expect(boardArena(oldBoardRun)?.note).toMatch(/from before boards recorded their arena/);
    expect(boardArena(readRun(path.join(FIXTURE_DIR, 'demo-mnist-onnx.json')))).toBeNull();
  });
});

describe("a board's per-op ticks as the run's profile", () => {
  it('maps each op to the graph node the overlay colours, in the same form as onnxruntime’s profile', () => {
    const profile = ticks(2_000, 8_000, 100, 900);
    expect(profile).toMatchObject({ runs: 10, source: 'board', runtimeMedianMs: 1.1, wallMedianMs: 1.1 });
    expect(profile.nodes.map((n) => [n.name, n.opType, n.meanUs])).toEqual([
      ['CONV_2D_1', 'CONV_2D', 800],
      ['CONV_2D_0', 'CONV_2D', 200],
      ['FULLY_CONNECTED_3', 'FULLY_CONNECTED', 90],
      ['RESHAPE_2', 'RESHAPE', 10],
    ]);
    expect(profile.ops.find((op) => op.opType === 'CONV_2D')).toMatchObject({ nodes: 2, meanUs: 1000 });
    const overlay = latencyOverlay(graph, profile, 'demo on the board');
    expect([...overlay.byNode.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(overlay.byNode.get('CONV_2D_1')?.level).toBe(1);
    expect(overlay.legend).not.toMatch(/match no node/);
  });

  it("the simulated board's profile is titled and explained as SIMULATED on the graph", () => {
    const overlay = latencyOverlay(graph, ticks(2_000, 8_000, 100, 900, true), 'demo on the simulated board');
    expect(overlay.title).toBe('Latency per op: demo on the simulated board (SIMULATED)');
    expect(overlay.legend).toMatch(/SIMULATED: the simulated board's cost model, not measured per op\.$/);
    expect(latencyOverlay(graph, ticks(2_000, 8_000, 100, 900), 'x').title).not.toMatch(/SIMULATED/);
  });

  it('an op the model graph does not have at that position keeps its own name and colours nothing', () => {
    const profile = boardRunProfile({ runs: 1, ticksPerSecond: 1e6, simulated: false, ops: [{ index: 7, name: 'WHILE', ticks: 50 }] }, DEMO, 'demo-mnist.tflite');
    expect(profile.nodes[0]?.name).toBe('WHILE (profiler event 7)');
    expect(latencyOverlay(graph, profile, 'x').byNode.size).toBe(0);
  });

  it('two board runs diff per op like any two profiled runs', () => {
    const a = boardRun({ arenaUsedBytes: 1, arenaCapacityBytes: 2, arenaEstimateBytes: 1, simulated: false, protocolVersion: 2 }, ticks(2_000, 8_000, 100, 900));
    const b = boardRun({ arenaUsedBytes: 1, arenaCapacityBytes: 2, arenaEstimateBytes: 1, simulated: false, protocolVersion: 2 }, ticks(1_000, 4_000, 100, 900));
    const diff = diffRuns({ run: a, graph }, { run: b, graph }, null);
    const conv2 = diff.rows.find((row) => row.aNode === 'CONV_2D_1');
    expect(conv2).toMatchObject({ aUs: 800, bUs: 400, deltaUs: -400, relative: -0.5 });
    expect(diff.rows.filter((row) => row.aNode !== null && row.bNode !== null)).toHaveLength(4);
  });

  it('the run detail says who timed the ops, SIMULATED for the simulated board, and why a v1 board has none', () => {
    expect(profileSourceLine(ticks(1, 1, 1, 1, true))).toMatch(/^Per-op time from SIMULATED: the simulated board's cost model/);
    expect(profileSourceLine(ticks(1, 1, 1, 1))).toMatch(/^Per-op time from the board's own TFLite Micro profiler/);
    expect(profileSourceLine(readRun(path.join(FIXTURE_DIR, 'demo-mnist-onnx.json')).profile as NonNullable<RunFile['profile']>)).toBeNull();
    const v1 = boardRun({ arenaUsedBytes: 9984, arenaCapacityBytes: 262_144, arenaEstimateBytes: 12_416, simulated: false, protocolVersion: 1 });
    expect(boardProfileMissing(v1)).toMatch(/protocol version 1, which reports no per-op time; flash the version 2 firmware/);
    expect(boardProfileMissing(mlperfRun)).toBe('No op profile in this run: this firmware reports no per-op time.');
  });
});
