import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { StudioApi } from '../../shared/contract';
import { ApiContext } from './data/api-context';
import { ThemeContext, type ThemeChoice } from './hooks/useTheme';

interface Props {
  api: StudioApi;
  /** Made with the connection (Root), already subscribed to workspace.changed. */
  queryClient: QueryClient;
  /** Root keeps the theme, so the connection screens follow it too. */
  theme: ThemeChoice;
  children: ReactNode;
}

/** What every component may read without props: the contract client, the engine state cache, the theme. */
export function StudioProviders({ api, queryClient, theme, children }: Props) {
  return (
    <ApiContext.Provider value={api}>
      <QueryClientProvider client={queryClient}>
        <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>
      </QueryClientProvider>
    </ApiContext.Provider>
  );
}
