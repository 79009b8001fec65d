import { createContext, useContext } from 'react';
import type { StudioApi } from '../../../shared/contract';
import { StudioError } from '../../../shared/errors';

/**
 * The contract client (IPC bridge or WebSocket: the renderer cannot tell which), for every
 * component that calls the engine or listens to its events, so pages need not pass it down.
 * StudioProviders supplies it around the app.
 */
export const ApiContext = createContext<StudioApi | null>(null);

export function useApi(): StudioApi {
  const api = useContext(ApiContext);
  if (!api) throw new StudioError('INTERNAL', 'A component asked for the studio API outside <StudioProviders>; render it inside Root.');
  return api;
}
