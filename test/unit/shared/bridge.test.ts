import { describe, expect, it } from 'vitest';
import { bridgeTransport, createBridge } from '../../../src/shared/bridge';
import { listCalls } from '../../../src/shared/contract';
import { createApiClient, type CallResult, type ClientTransport } from '../../../src/shared/rpc';

describe('Electron preload bridge', () => {
  it('has one method per contract call and keeps error codes across it (contextBridge clones data, not Error fields)', async () => {
    const seen: string[] = [];
    const ipc: ClientTransport = {
      call: async (channel): Promise<CallResult> => {
        seen.push(channel);
        return { ok: false, error: { code: 'NOT_FOUND', message: "There is no model 'x'.", context: { id: 'x' } } };
      },
      subscribe: () => () => undefined,
    };
    const bridge = createBridge(ipc);
    for (const { namespace, method } of listCalls()) expect(typeof bridge.calls[namespace]?.[method]).toBe('function');
    // What crosses contextBridge is plain data: simulate the structured clone.
    const cloned = structuredClone(await bridge.calls.models!.get!({ id: 'x' }));
    expect(cloned).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const api = createApiClient(bridgeTransport(bridge));
    await expect(api.models.get({ id: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', context: { id: 'x' } });
    expect(seen).toEqual(['models.get', 'models.get']);
  });
});
