import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { RUNNER_PROTOCOL, RunnerReply } from '../../../src/core/runner/protocol';
import { RunnerClient, nodeForkSpawner, runnerLogOf } from '../../../src/core/runner/runner-client';
import { StudioError } from '../../../src/shared/errors';
import { matmulAddSpec, tokensSpec, writeModel } from './tiny-models';

const scriptsDir = mkdtempSync(join(tmpdir(), 'edgebench-fake-runner-'));

/** A stand-in runner: a real Node process running the given script. */
function fakeRunner(name: string, source: string): RunnerClient {
  const path = join(scriptsDir, `${name}.mjs`);
  writeFileSync(path, source);
  return RunnerClient.start(nodeForkSpawner({ runnerPath: path }), { timeouts: { helloMs: 1_000, exitMs: 1_000 } });
}

async function rejection(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
  return error;
}

describe('RunnerClient against runners that misbehave', () => {
  test('a runner that never answers is stopped after the timeout', async () => {
    const client = fakeRunner('silent', 'setInterval(() => {}, 1000);');
    const error = await rejection(client.hello());
    expect(error.code).toBe('RUNNER');
    expect(error.message).toBe('The runner did not answer within 1 s while starting, so it was stopped.');
    await client.close();
    expect(() => process.kill(client.pid!, 0)).toThrow();
  });

  test('a runner that exits early is reported with its exit code and last words', async () => {
    const client = fakeRunner('dies', "process.stderr.write('cannot open libfoo.so\\n'); process.exit(3);");
    const error = await rejection(client.hello());
    expect(error.message).toBe('The runner process exited with code 3 while starting; its last words: cannot open libfoo.so');
    expect(error.context).toMatchObject({ exitCode: '3', phase: 'starting' });
    expect(runnerLogOf(error)).toEqual(['cannot open libfoo.so']);
  });

  test('a runner that answers outside the protocol is refused', async () => {
    const client = fakeRunner('nonsense', `process.stdin.once('data', () => console.log(JSON.stringify({ type: 'hello', protocol: 1 })));`);
    const error = await rejection(client.hello());
    expect(error.code).toBe('RUNNER');
    expect(error.message).toMatch(/^The runner sent a line this studio does not understand while starting \(protocol: /);
    await client.close();
  });

  test('a runner of another protocol version is refused', async () => {
    const hello = { type: 'hello', protocol: 'edgebench.runner/9', runner: { name: 'x', version: '9' }, node: 'v99', runtimes: {}, hardware: { arch: 'x', cpuModel: 'x', cores: 1, memoryBytes: 1, os: 'x' } };
    const client = fakeRunner('future', `console.log('booting…'); process.stdin.once('data', () => console.log(${JSON.stringify(JSON.stringify(hello))}));`);
    const error = await rejection(client.hello());
    expect(error.message).toBe(`The runner speaks edgebench.runner/9, but this studio speaks ${RUNNER_PROTOCOL}; update the runner.`);
    // text that is not JSON on stdout is kept as log, not taken for protocol
    expect(client.runnerLog).toEqual(['booting…']);
    await client.close();
  });
});

describe('the runner process on plain stdio, as over SSH', () => {
  test('answers requests piped to its stdin, only protocol lines on stdout, and exits when stdin closes', () => {
    const runnerPath = fileURLToPath(new URL('../../../src/core/runner/runner-process.ts', import.meta.url));
    const requests = [
      { type: 'hello', protocol: RUNNER_PROTOCOL },
      { type: 'measure', runs: 1, minTimeMs: 0, progressEvery: 1 },
      { type: 'load', modelPath: writeModel(matmulAddSpec), runtime: 'onnxruntime', threads: 1, inputs: [] },
      { type: 'warmup', runs: 1 },
      { type: 'measure', runs: 3, minTimeMs: 0, progressEvery: 1 },
      { type: 'profile', runs: 2 },
      // onnxruntime logs this failure on stderr; stdout must stay clean
      { type: 'load', modelPath: writeModel(tokensSpec), runtime: 'onnxruntime', threads: 1, inputs: [] },
      { type: 'warmup', runs: 0 },
    ];
    const result = spawnSync(process.execPath, ['--import', 'tsx', runnerPath], {
      input: `${requests.map((r) => JSON.stringify(r)).join('\n')}\nnot json\n`,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    const replies = result.stdout.trim().split('\n').map((line) => RunnerReply.parse(JSON.parse(line)));
    const kinds = replies.map((r) => (r.type === 'error' ? `error:${r.code}` : r.type)).filter((t) => t !== 'progress');
    expect(kinds).toEqual(['hello', 'error:OUT_OF_ORDER', 'loaded', 'first', 'warmedUp', 'samples', 'profile', 'loaded', 'error:INPUTS_REJECTED', 'error:BAD_REQUEST']);
    expect(replies.find((r) => r.type === 'samples')).toMatchObject({ latencyMs: expect.any(Array), maxTimeReached: false });
    expect(replies.find((r) => r.type === 'profile')).toMatchObject({ runs: 2, wallRunMs: expect.any(Array), runtimeRunMs: expect.any(Array) });
    expect(result.stderr).toContain('Reshape');
  });
});
