import { useEffect, useState } from 'react';
import type { StudioApi } from '../../shared/contract';
import { toErrorData } from '../../shared/errors';
import { connectApi } from './api';
import { App } from './App';
import { setAppState } from './app-state';
import { StudioApiContext } from './components/export/api-context';
import { useTheme } from './hooks/useTheme';

type Connection = { state: 'connecting' } | { state: 'ready'; api: StudioApi } | { state: 'error'; message: string };

/** Connects to the engine, then hands the API to the app; a failed connection gets its own screen. */
export function Root() {
  const { theme, toggle } = useTheme();
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const [lost, setLost] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    connectApi((message) => live && setLost(message))
      .then((api) => live && setConnection({ state: 'ready', api }))
      .catch((error: unknown) => {
        if (!live) return;
        setConnection({ state: 'error', message: toErrorData(error).message });
        setAppState('error');
      });
    return () => {
      live = false;
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
    <StudioApiContext.Provider value={connection.api}>
      <App api={connection.api} connectionLost={lost} theme={theme} onToggleTheme={toggle} />
    </StudioApiContext.Provider>
  );
}
