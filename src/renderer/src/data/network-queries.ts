/**
 * The workspace's networks (one network in several formats) and the engine's suggestions. Both are
 * part of the models' state: their keys sit under ['models'], so every `workspace.changed` of the
 * models (an import, a removal, a link) refetches them.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { StudioApi } from '../../../shared/contract';
import type { NetworkEntry, NetworkSuggestion } from '../../../shared/networks';
import { useApi } from './api-context';
import type { ApiRequest, WorkspaceChange } from './mutations';
import { queryKeys } from './query-keys';

export const networkQueryKeys = {
  networks: [...queryKeys.models, 'networks'],
  suggestions: [...queryKeys.models, 'network-suggestions'],
} as const;

export const networkQueries = {
  networks: (api: StudioApi) => queryOptions({ queryKey: networkQueryKeys.networks, queryFn: () => api.networks.list({}) }),
  suggestions: (api: StudioApi) => queryOptions({ queryKey: networkQueryKeys.suggestions, queryFn: () => api.networks.suggest({}) }),
};

const NO_NETWORKS: NetworkEntry[] = [];
const NO_SUGGESTIONS: NetworkSuggestion[] = [];

/** The networks; the one empty list while there are none, so a workspace without networks never re-renders a page for them. */
export function useNetworks(): NetworkEntry[] {
  const data = useQuery(networkQueries.networks(useApi())).data;
  return data === undefined || data.length === 0 ? NO_NETWORKS : data;
}

export function useNetworkSuggestions(): NetworkSuggestion[] {
  return useQuery(networkQueries.suggestions(useApi())).data ?? NO_SUGGESTIONS;
}

/** Linking and unlinking change the models' state (for useWorkspaceChange). */
export const networkChanges = {
  link: { changes: 'models', call: (api, req) => api.networks.link(req) } satisfies WorkspaceChange<ApiRequest<'networks', 'link'>, NetworkEntry>,
  unlink: { changes: 'models', call: (api, req) => api.networks.unlink(req) } satisfies WorkspaceChange<ApiRequest<'networks', 'unlink'>, { network: NetworkEntry | null }>,
};
