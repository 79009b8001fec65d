import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { StudioApi } from '../../shared/contract';
import { toErrorData } from '../../shared/errors';
import { connectApi } from './api';
import { App } from './App';
import { setAppState } from './app-state';
import { createStudioQueryClient, invalidateOnWorkspaceChange, keepRecentRunFiles } from './data/query-client';
import { useThemeChoice } from './hooks/useTheme';
import { StudioProviders } from './StudioProviders';

type Connection =
  | { state: 'connecting' }
  | { state: 'ready'; api: StudioApi; queryClient: QueryClient }
  | { state: 'error'; message: string };

/** Connects to the engine, then hands the API to the app; a failed connection gets its own screen. */
export function Root() {
  const theme = useThemeChoice();
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const [lost, setLost] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const offs: Array<() => void> = [];
    connectApi((message) => live && setLost(message))
      .then((api) => {
        if (!live) return;
        // The cache listens from the moment the connection opens, before any page asks for a list.
        const queryClient = createStudioQueryClient();
        offs.push(invalidateOnWorkspaceChange(api, queryClient), keepRecentRunFiles(queryClient));
        setConnection({ state: 'ready', api, queryClient });
      })
      .catch((error: unknown) => {
        if (!live) return;
        setConnection({ state: 'error', message: toErrorData(error).message });
        setAppState('error');
      });
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, []);

  if (connection.state === 'connecting') {
    return <div className="splash">Connecting to EdgeBench Studio…</div>;
  }
  if (connection.state === 'error') {
    return (
      <div className="splash splash-error" role="alert" data-testid="connection-error">
        <h1>EdgeBench Studio cannot start</h1>
        <p>{connection.message}</p>
      </div>
    );
  }
  return (
    <StudioProviders api={connection.api} queryClient={connection.queryClient} theme={theme}>
      <App connectionLost={lost} />
    </StudioProviders>
  );
}
