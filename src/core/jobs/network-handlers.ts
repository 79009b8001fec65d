/** The contract's `networks` calls (src/shared/contract.ts), over the networks store and the format checks. */
import type { EventName, EventPayload, StudioHandlers } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { suggestNetworks } from '../../shared/networks';
import type { RunnerSpawner } from '../runner/runner-client';
import { linkNetwork, listNetworks, readNetworks, unlinkNetwork } from '../workspace/networks-store';
import type { Workspace } from '../workspace/workspace';
import { checkFormats, evaluateNetwork } from './network-jobs';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export function networkHandlers(workspace: Workspace, spawner: RunnerSpawner, emit: Emit): StudioHandlers['networks'] {
  const progress = (message: string): void => emit('task.progress', { task: 'formats', message });
  return {
    list: () => listNetworks(workspace),
    link: async (request) => {
      const network = await linkNetwork(workspace, request);
      // Networks are part of the models' state: the Models page and the grid read them with the models.
      emit('workspace.changed', { what: 'models' });
      return network;
    },
    unlink: async ({ modelId, networkId }) => {
      if ((modelId === undefined) === (networkId === undefined)) {
        throw new StudioError('BAD_INPUT', 'Unlinking takes either the model to take out of its network (modelId) or the network to dissolve (networkId), not both or neither.');
      }
      const network = await unlinkNetwork(workspace, { ...(modelId !== undefined ? { modelId } : {}), ...(networkId !== undefined ? { networkId } : {}) });
      emit('workspace.changed', { what: 'models' });
      return { network };
    },
    suggest: async () => {
      const read = await readNetworks(workspace);
      return suggestNetworks(await workspace.listModels(), read.kind === 'ok' ? read.networks : []);
    },
    check: async ({ networkId, modelIds, samples }) => {
      if ((networkId === undefined) === (modelIds === undefined)) {
        throw new StudioError('BAD_INPUT', 'A format check takes either a network (networkId) or the models to compare (modelIds), not both or neither.');
      }
      return checkFormats(workspace, spawner, { ...(networkId !== undefined ? { networkId } : { modelIds }), ...(samples !== undefined ? { samples } : {}) }, progress);
    },
    evaluate: async (request) => {
      const agreement = await evaluateNetwork(workspace, spawner, request, progress);
      emit('workspace.changed', { what: 'evals' });
      return agreement;
    },
  };
}
