export type AppState = 'loading' | 'loaded' | 'error';

/**
 * The readiness marker tests and scripts wait for, on <html data-app-state>. Once "loaded" it
 * stays so: later errors are shown in banners, not by flipping the marker.
 */
export function setAppState(state: AppState): void {
  const root = document.documentElement;
  if (root.dataset.appState === 'loaded' && state !== 'loaded') return;
  root.dataset.appState = state;
}
