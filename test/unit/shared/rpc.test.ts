import { describe, expect, it } from 'vitest';
import { listCalls, type StudioHandlers } from '../../../src/shared/contract';
import { StudioError } from '../../../src/shared/errors';
import { createApiClient, dispatchCall, type ClientTransport } from '../../../src/shared/rpc';

/** Handlers that answer a few calls; the rest throw, which dispatchCall must turn into error data. */
function fakeHandlers(): StudioHandlers {
  const notHere = async (): Promise<never> => {
    throw new StudioError('NOT_FOUND', 'Nothing here.');
  };
  return {
    workspace: {
      info: async () => ({ path: '/w', modelCount: 0, runCount: 0, datasetCount: 0, problems: [] }),
    },
    models: { list: async () => [], get: notHere, importFiles: notHere, importPytorch: notHere, prune: notHere, remove: notHere, quantize: notHere, link: notHere, setInputs: notHere, macs: notHere, graph: notHere },
    networks: { list: async () => [], link: notHere, unlink: notHere, suggest: async () => [], check: notHere, evaluate: notHere },
    datasets: { list: async () => [], importFiles: notHere, remove: notHere, setPreprocessing: notHere, preview: notHere },
    evals: { run: notHere, evaluate: notHere, list: async () => [], layerSqnr: notHere, check: notHere },
    targets: { list: async () => [], probe: notHere, add: notHere, update: notHere, remove: notHere, test: notHere },
    devices: { list: async () => [], simulate: notHere, fit: notHere, adb: notHere },
    bench: {
      start: async () => ({ jobId: 'job-1', cells: [] }),
      cancel: async () => ({ cancelled: false }),
      powerSources: notHere,
      pythonRuntimes: notHere,
    },
    // A handler returning something off-contract: the dispatcher must refuse to send it.
    runs: { list: async () => [{ id: 1 }] as never, get: notHere, remove: notHere },
    reports: { render: notHere },
    triage: { start: notHere, cancel: notHere, list: notHere, layerLatency: notHere },
  };
}

describe('dispatchCall (serving side)', () => {
  it('answers a valid call', async () => {
    const result = await dispatchCall(fakeHandlers(), 'workspace.info', {});
    expect(result).toMatchObject({ ok: true, response: { path: '/w' } });
  });

  it('refuses unknown channels and invalid requests with BAD_INPUT naming the field', async () => {
    expect(await dispatchCall(fakeHandlers(), 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const bad = await dispatchCall(fakeHandlers(), 'bench.start', { modelIds: ['m'], targetIds: ['local'], settings: { runs: 0 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('settings.runs');
  });

  it('carries a thrown StudioError as data and refuses an off-contract response', async () => {
    expect(await dispatchCall(fakeHandlers(), 'models.get', { id: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Nothing here.' },
    });
    expect(await dispatchCall(fakeHandlers(), 'runs.list', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});

describe('createApiClient (calling side)', () => {
  const loopback = (handlers: StudioHandlers): ClientTransport & { sent: string[] } => {
    const sent: string[] = [];
    return {
      sent,
      call: async (channel, request) => {
        sent.push(channel);
        return dispatchCall(handlers, channel, request);
      },
      subscribe: () => () => undefined,
    };
  };

  it('exposes every contract call as a method and nothing generic', () => {
    const api = createApiClient(loopback(fakeHandlers())) as unknown as Record<string, Record<string, unknown>>;
    for (const { namespace, method } of listCalls()) expect(typeof api[namespace]?.[method]).toBe('function');
    expect(api.invoke).toBeUndefined();
  });

  it('validates before sending and rethrows remote errors as StudioError', async () => {
    const transport = loopback(fakeHandlers());
    const api = createApiClient(transport);
    await expect(api.bench.start({ modelIds: [''], targetIds: ['local'] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(transport.sent).toEqual([]);
    await expect(api.models.get({ id: 'x' })).rejects.toBeInstanceOf(StudioError);
    expect(await api.bench.start({ modelIds: ['m'], targetIds: ['local'], settings: { runs: 5 } })).toEqual({ jobId: 'job-1', cells: [] });
  });
});
