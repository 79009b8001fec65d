/**
 * A run from an SSH board carries the board's own benchmark tool beside the studio runner's
 * figures (issue 5, item 5): the run detail shows both and says what the tool times.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace } from './helpers/studio-server';
import { syntheticRun } from './helpers/synthetic-run';

const studio = useStudioSession({
  server: async () => {
    const workspaceDir = await makeTempWorkspace();
    const base = syntheticRun({ id: 'board-run-native', samples: 200, medianMs: 3.2, seed: 7, createdAt: '2026-11-26T10:00:00.000Z' });
    // Labeled: the numbers are what benchmark_model printed in test/fixtures/native-tools (reconstructed output).
    const run = RunFile.parse({
      ...base,
      target: { ...base.target, kind: 'ssh', name: 'pi4' },
      native: [
        {
          tool: 'benchmark_model',
          version: '2.16',
          measures: "TFLite's benchmark_model: the interpreter's Invoke() alone, in C++, without the studio runner's input handling.",
          latencyMs: { mean: 2.91, min: 2.8, max: 3.6, stddev: 0.12, count: 50 },
          initMs: 4.1,
          raw: 'INFO: Inference timings in us: Init: 4100, First inference: 3900, Warmup (avg): 2950, Inference (avg): 2910',
        },
      ],
    });
    await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
    await writeFile(path.join(workspaceDir, 'runs', `${run.id}.json`), JSON.stringify(run));
    return { workspaceDir };
  },
});

describe('native tools beside the runner', () => {
  it('the run detail lists benchmark_model with its mean and what it times', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await studio.page.getByTestId('run-row').first().click();
    const table = studio.page.getByTestId('native-tools');
    await table.waitFor();
    const row = table.locator('tr[data-tool="benchmark_model"]');
    await expect(row.textContent()).resolves.toMatch(/2\.91/);
    await expect(row.textContent()).resolves.toMatch(/Invoke\(\) alone/);
    expect(studio.errors).toEqual([]);
  });
});
