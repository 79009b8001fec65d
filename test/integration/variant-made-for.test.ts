/**
 * models.quantize through the contract (direct transport, the same validation as IPC and
 * WebSocket) with the target the variant is made for: This computer by default, an SSH board
 * not probed yet (7-bit weights, and a note to test its connection), a board probed through a
 * real sshd (its CPU decides), a serial board refused. What the entry records is read back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelEntry, StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { onnxInt8WeightRange } from '../../src/core/quantize/weight-range';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { sshdAvailable, startSshd, type Sshd } from './ssh/sshd-fixture';

const HAS_SSHD = sshdAvailable();
let dir: string;
let studio: Studio;
let api: StudioApi;
let floatId: string;
let sshd: Sshd | undefined;

/** This machine's VNNI from /proc/cpuinfo, read here rather than through the studio's probe. */
const localVnni = ((): boolean => {
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? [];
  return ['avx512_vnni', 'avx_vnni', 'amx_int8'].some((flag) => flags.includes(flag));
})();
const localX86 = ['x64', 'ia32'].includes(os.arch());
const localRange = localX86 && !localVnni ? 'reduced' : 'full';

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-made-for-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  floatId = (await api.models.list({}))[0]?.id ?? '';
  if (HAS_SSHD) sshd = await startSshd();
});

afterAll(async () => {
  await studio.close();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function quantized(entry: ModelEntry) {
  if (entry.origin?.kind !== 'quantized') throw new Error(`'${entry.name}' is not a quantized variant`);
  return entry.origin;
}

/** The entry as the workspace stores it (entry.json), not as the call answered. */
function stored(entry: ModelEntry): ModelEntry {
  return JSON.parse(readFileSync(path.join(dir, 'models', entry.id, 'entry.json'), 'utf8')) as ModelEntry;
}

function variantBytes(entry: ModelEntry): Uint8Array {
  return readFileSync(path.join(dir, 'models', entry.id, entry.files[0] as string));
}

describe('models.quantize for a target', () => {
  it('without a target, weight range auto is chosen for This computer, and the entry says so', async () => {
    const entry = await api.models.quantize({ modelId: floatId, recipe: { mode: 'dynamic', perChannel: true } });
    expect(quantized(stored(entry)).madeFor).toEqual({ targetId: 'local', label: 'This computer', arch: os.arch(), vnni: localX86 ? localVnni : false });
    expect(quantized(entry).recipe.weightRange).toBe(localRange);
    expect(onnxInt8WeightRange(variantBytes(entry))).toBe(localRange);
  });

  it('an SSH board not probed yet gets 7-bit weights and a note to test its connection first; asked again for This computer, the entry names it', async () => {
    const board = await api.targets.add({ kind: 'ssh', name: 'Unprobed Pi', host: '127.0.0.1', port: 1, user: 'pi' });
    expect(board.hardware).toBeNull();
    const entry = await api.models.quantize({ modelId: floatId, recipe: { mode: 'static', perChannel: true }, datasetId: 'demo-digits', calibrationSamples: 20, targetId: board.id });
    const origin = quantized(stored(entry));
    expect(origin.madeFor).toEqual({ targetId: board.id, label: 'Unprobed Pi', arch: null, vnni: null });
    expect(origin.recipe.weightRange).toBe('reduced');
    expect(onnxInt8WeightRange(variantBytes(entry))).toBe('reduced');
    expect(origin.notes.join(' ')).toMatch(/Unprobed Pi has not been probed yet, .*Test its connection first/);

    // Made for another unprobed board, the variant has the same bytes: the one entry names the latest making.
    const other = await api.targets.add({ kind: 'ssh', name: 'Unprobed Jetson', host: '127.0.0.1', port: 2, user: 'nvidia' });
    const twin = await api.models.quantize({ modelId: floatId, recipe: { mode: 'static', perChannel: true }, datasetId: 'demo-digits', calibrationSamples: 20, targetId: other.id });
    expect(twin.id).toBe(entry.id);
    expect(quantized(stored(twin)).madeFor).toEqual({ targetId: other.id, label: 'Unprobed Jetson', arch: null, vnni: null });
    expect(quantized(stored(twin)).notes.join(' ')).toMatch(/Unprobed Jetson has not been probed yet/);
    expect(quantized(stored(twin)).notes.join(' ')).not.toContain('Unprobed Pi');

    // On a CPU without VNNI, This computer's variant has those bytes too; with VNNI it is another variant.
    const again = await api.models.quantize({ modelId: floatId, recipe: { mode: 'static', perChannel: true }, datasetId: 'demo-digits', calibrationSamples: 20 });
    expect(quantized(stored(again)).madeFor).toMatchObject({ targetId: 'local', label: 'This computer' });
    expect(quantized(stored(again)).notes.join(' ')).not.toContain('Unprobed Pi');
    expect(again.id === entry.id).toBe(localRange === 'reduced');
  });

  it.runIf(HAS_SSHD)('a board whose connection was tested (a real sshd; the board is this machine) is chosen for by its probed CPU', async () => {
    if (!sshd) throw new Error('sshd did not start');
    const board = await api.targets.add({ kind: 'ssh', name: 'Lab board', host: '127.0.0.1', port: sshd.port, user: os.userInfo().username, auth: 'key', identityFile: sshd.clientKey });
    const first = await api.targets.test({ id: board.id });
    expect(first.hostKey?.fingerprint).toBe(sshd.hostFingerprint());
    const tested = await api.targets.test({ id: board.id, acceptHostKey: sshd.hostFingerprint() });
    expect(tested.ok).toBe(true);
    const entry = await api.models.quantize({ modelId: floatId, recipe: { mode: 'dynamic', perChannel: false }, targetId: board.id });
    expect(quantized(stored(entry)).madeFor).toEqual({ targetId: board.id, label: 'Lab board', arch: os.arch(), vnni: localX86 ? localVnni : false });
    expect(onnxInt8WeightRange(variantBytes(entry))).toBe(localRange);
  });

  it('a serial board, a missing target, and a target for a range that does not depend on it are refused in one sentence', async () => {
    const esp = await api.targets.add({ kind: 'serial', name: 'ESP32-S3 DevKit', path: '/dev/ttyACM7' });
    await expect(api.models.quantize({ modelId: floatId, recipe: { mode: 'dynamic' }, targetId: esp.id })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      // One sentence: no full stop before the end.
      message: expect.stringMatching(/^'ESP32-S3 DevKit' is a microcontroller board, where ONNX int8 variants do not run; (?:(?!\. ).)*\.$/),
    });
    await expect(api.models.quantize({ modelId: floatId, recipe: { mode: 'dynamic' }, targetId: 'no-such-target' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.models.quantize({ modelId: floatId, recipe: { mode: 'dynamic', weightRange: 'reduced' }, targetId: 'local' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(api.models.quantize({ modelId: floatId, recipe: { mode: 'fp16' }, targetId: 'local' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
