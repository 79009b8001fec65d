import { createContext, useContext } from 'react';
import type { StudioApi } from '../../../../shared/contract';
import { StudioError } from '../../../../shared/errors';

/**
 * The studio API for components deep in a page (the export dialog opens from three of them), so
 * the pages need not pass it down. Root provides it around the app.
 */
export const StudioApiContext = createContext<StudioApi | null>(null);

export function useStudioApi(): StudioApi {
  const api = useContext(StudioApiContext);
  if (!api) throw new StudioError('INTERNAL', 'A component asked for the studio API outside <StudioApiContext.Provider>; render it inside Root.');
  return api;
}
