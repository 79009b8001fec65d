/**
 * Issue 13's new-user finding: a baseline picked in a job's grid went into the URL as a key of
 * control characters (%00, %01) and a 64-hex sha. The key is now text that reads in the address
 * bar, survives the router's round trip, and picks the same cell when the grid is built again
 * (a reload), whatever the order its runs arrive in.
 */
import { describe, expect, it } from 'vitest';
import { buildResultsGrid, type GridInput } from '../../../src/renderer/src/components/results/results-grid';
import { parseRoute, routeLink } from '../../../src/renderer/src/hooks/usePage';

const SHA_A = 'a'.repeat(64);
const SHA_B = '0123456789abcdef'.repeat(4);

function cell(sha: string, target: string, threads: number): GridInput {
  return { modelSha256: sha, modelLabel: `model ${sha.slice(0, 4)}`, targetName: target, runtime: 'onnxruntime', threads, state: 'queued' };
}

const inputs = [cell(SHA_A, 'This computer', 1), cell(SHA_A, 'Lab Pi~5', 2), cell(SHA_B, 'This computer', 1), cell(SHA_B, 'Lab Pi~5', 2)];

describe("a job's baseline in the URL", () => {
  it('is readable: the model sha prefix, target, runtime and threads, with no control characters', () => {
    const grid = buildResultsGrid(inputs, new Map(), null);
    const key = grid.rows[1]?.cells[0]?.key ?? '';
    expect(key).toBe('0123456789abcdef~This computer~onnxruntime~1');
    const link = routeLink({ page: 'jobs', jobId: 'job-1', baseline: key });
    expect(link).toBe('#/jobs/job-1/baseline/0123456789abcdef~This%20computer~onnxruntime~1');
    // No control characters (the key used to hold \u0000 and \u0001, which the URL showed as %00 and %01).
    for (const c of grid.rows.flatMap((r) => r.cells)) expect([...(c?.key ?? '')].every((ch) => ch.charCodeAt(0) >= 0x20)).toBe(true);
  });

  it('round-trips through the router and picks the same cell again, in any order of the runs', () => {
    const grid = buildResultsGrid(inputs, new Map(), null);
    // A target whose name holds the separator still reads back as its own cell.
    const picked = grid.rows[1]?.cells[1];
    expect(picked?.key).toBe('0123456789abcdef~Lab Pi%7E5~onnxruntime~2');
    const route = parseRoute(routeLink({ page: 'jobs', jobId: 'job-1', baseline: picked?.key ?? '' }));
    expect(route).toEqual({ page: 'jobs', jobId: 'job-1', baseline: picked?.key });
    const baseline = route.page === 'jobs' ? (route.baseline ?? null) : null;
    const reloaded = buildResultsGrid([...inputs].reverse(), new Map(), baseline);
    expect(reloaded.baselineKey).toBe(picked?.key);
    const tones = reloaded.rows.flatMap((r) => r.cells.map((c) => c?.tone));
    expect(tones.filter((t) => t === 'baseline')).toHaveLength(1);
    const row = reloaded.rows.find((r) => r.key === SHA_B);
    expect(row?.cells.find((c) => c?.key === picked?.key)?.tone).toBe('baseline');
  });
});
