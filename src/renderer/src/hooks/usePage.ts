import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { createPageKeyReader, currentFrontEnd } from '../page-keys';

/** The pages of the sidebar. Ctrl/Cmd+1..7 (G then 1..7 in a browser, page-keys.ts) switch between NUMBERED_PAGES (the menu's order); Home has its own key. */
export const PAGES = ['home', 'models', 'targets', 'runs', 'compare', 'datasets', 'accuracy', 'devices'] as const;
export type Page = (typeof PAGES)[number];
export const NUMBERED_PAGES = ['models', 'targets', 'runs', 'compare', 'datasets', 'accuracy', 'devices'] as const satisfies readonly Page[];
export const PAGE_LABELS: Record<Page, string> = {
  home: 'Home',
  models: 'Models',
  targets: 'Targets',
  runs: 'Runs',
  compare: 'Compare',
  datasets: 'Datasets',
  accuracy: 'Accuracy',
  devices: 'Devices',
};

/** What the URL's hash names: a page, and on it the item that is open. */
export type Route =
  | { page: 'home' }
  | { page: 'targets' }
  | { page: 'datasets' }
  | { page: 'accuracy' }
  | { page: 'devices' }
  /** modelId null: the page picks (the last model open, else the first); graph: the model's graph view. */
  | { page: 'models'; modelId: string | null; graph: boolean }
  | { page: 'runs'; runId: string | null }
  /** baseline: the grid cell the user picked as the baseline (absent: the grid's first cell). */
  | { page: 'jobs'; jobId: string; baseline?: string }
  | { page: 'compare'; runIds: string[] }
  | { page: 'diff'; a: string; b: string };

export const HOME: Route = { page: 'home' };

/** The sidebar entry a route belongs to (a job's results sit under Runs; a diff under none). */
export function routePage(route: Route): Page | null {
  if (route.page === 'jobs') return 'runs';
  if (route.page === 'diff') return null;
  return route.page;
}

const seg = (text: string): string => encodeURIComponent(text);

/** The hash that opens `route`: "#/runs/<id>", "#/compare/<a>,<b>", ... (parseRoute reads it back). */
export function routeLink(route: Route): string {
  switch (route.page) {
    case 'models':
      if (route.modelId === null) return '#/models';
      return `#/models/${seg(route.modelId)}${route.graph ? '/graph' : ''}`;
    case 'runs':
      return route.runId === null ? '#/runs' : `#/runs/${seg(route.runId)}`;
    case 'jobs':
      return `#/jobs/${seg(route.jobId)}${route.baseline ? `/baseline/${seg(route.baseline)}` : ''}`;
    case 'compare':
      return route.runIds.length === 0 ? '#/compare' : `#/compare/${route.runIds.map(seg).join(',')}`;
    case 'diff':
      return `#/diff/${seg(route.a)}/${seg(route.b)}`;
    default:
      return `#/${route.page}`;
  }
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The route a hash names. Anything it cannot read (an unknown page, a job or diff without its ids,
 * extra segments, broken %-escapes) opens Home, so a mistyped or stale link still lands somewhere useful.
 */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').replace(/\/$/, '').split('/');
  const [name = '', ...rest] = parts;
  if (name === 'jobs') return parseJob(rest);
  const items = rest.map(decode);
  if (items.some((item) => item === null || item === '')) return HOME;
  const [first, second] = items as string[];
  const none = rest.length === 0;
  switch (name) {
    case 'home':
    case 'targets':
    case 'datasets':
    case 'accuracy':
    case 'devices':
      return none ? { page: name } : HOME;
    case 'models':
      if (none) return { page: 'models', modelId: null, graph: false };
      if (rest.length === 1 && first) return { page: 'models', modelId: first, graph: false };
      if (rest.length === 2 && first && second === 'graph') return { page: 'models', modelId: first, graph: true };
      return HOME;
    case 'runs':
      if (none) return { page: 'runs', runId: null };
      return rest.length === 1 && first ? { page: 'runs', runId: first } : HOME;
    case 'compare': {
      if (none) return { page: 'compare', runIds: [] };
      if (rest.length !== 1) return HOME;
      const ids = (rest[0] ?? '').split(',').map(decode);
      if (ids.some((id) => id === null || id === '')) return HOME;
      return { page: 'compare', runIds: [...new Set(ids as string[])] };
    }
    case 'diff':
      return rest.length === 2 && first && second ? { page: 'diff', a: first, b: second } : HOME;
    default:
      return HOME;
  }
}

/**
 * "#/jobs/<id>" and "#/jobs/<id>/baseline/<cell key>". A baseline segment that cannot be read
 * (broken %-escapes, empty, missing) still opens the job, with the grid's default baseline.
 */
function parseJob(rest: readonly string[]): Route {
  const jobId = rest[0] === undefined ? null : decode(rest[0]);
  if (!jobId) return HOME;
  if (rest.length === 1) return { page: 'jobs', jobId };
  if (rest[1] !== 'baseline' || rest.length > 3) return HOME;
  const baseline = rest[2] === undefined ? null : decode(rest[2]);
  return baseline ? { page: 'jobs', jobId, baseline } : { page: 'jobs', jobId };
}

export interface Navigate {
  /** Opens `route`: a new history entry (Back returns), or with `replace` the current entry rewritten (a correction, not a step). */
  (route: Route, options?: { replace?: boolean }): void;
}

export interface RouterValue {
  route: Route;
  navigate: Navigate;
}

const RouterContext = createContext<RouterValue | null>(null);
export const RouterProvider = RouterContext.Provider;

/** The current route and how to change it, for components below App (the graph view, the diff page...). */
export function useRoute(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRoute is used outside the studio App, which provides the route.');
  return value;
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'file', 'color'].includes(target.type);
}

/** True when a key press belongs to a field the user types in, so single-key shortcuts leave it alone. */
export function typingIn(event: KeyboardEvent): boolean {
  return isTextField(event.target);
}

/** The desktop app's keys: Ctrl/Cmd+1..7 (the pages in NUMBERED_PAGES' order) and Ctrl/Cmd+Shift+H (Home); the page a key press asks for. */
export function pageForKey(event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'key'>): Page | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  if (event.shiftKey) return event.key.toLowerCase() === 'h' ? 'home' : null;
  const index = NUMBERED_PAGES.findIndex((_, i) => event.key === String(i + 1));
  return NUMBERED_PAGES[index] ?? null;
}

const currentRoute = (): Route => parseRoute(window.location.hash);

/**
 * The route, kept in the URL's hash (browser mode's token lives in the query string, which a
 * hash-only URL leaves as it is). Navigating pushes a history entry, so Back and Forward step
 * through pages and items; a link (<a href="#/...">), a typed address, Back and Forward all
 * arrive through the browser's own events. `pageRoute` turns a bare page (a key press) into its
 * route, so App can reopen the item last open on it.
 */
export function useRouter(pageRoute: (page: Page) => Route): RouterValue {
  const [route, setRoute] = useState<Route>(currentRoute);

  const navigate = useCallback<Navigate>((next, options) => {
    const link = routeLink(next);
    if (link !== window.location.hash) {
      if (options?.replace) window.history.replaceState(null, '', link);
      else window.history.pushState(null, '', link);
    }
    // Keep the old object when nothing changed, so nothing re-renders for it.
    setRoute((old) => (routeLink(old) === link ? old : next));
  }, []);

  useEffect(() => {
    const onLocation = (): void => {
      const next = currentRoute();
      setRoute((old) => (routeLink(old) === routeLink(next) ? old : next));
    };
    // Per front-end: Ctrl/Cmd+1..7 in the desktop app, G then 1..7 in a browser (which keeps Ctrl+1..7 for its tabs).
    const readKey = createPageKeyReader(currentFrontEnd(), () => performance.now());
    const onKey = (event: KeyboardEvent): void => {
      const page = readKey({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, shiftKey: event.shiftKey, inTextField: typingIn(event) });
      if (page === null) return;
      event.preventDefault();
      navigate(pageRoute(page));
    };
    window.addEventListener('hashchange', onLocation);
    window.addEventListener('popstate', onLocation);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onLocation);
      window.removeEventListener('popstate', onLocation);
      window.removeEventListener('keydown', onKey);
    };
  }, [navigate, pageRoute]);

  return { route, navigate };
}

/** The link that opens `page` with `item` selected (e.g. the bench form's "Open the Models page" for one model). */
export function pageLink(page: 'models' | 'runs', item?: string): string {
  if (page === 'models') return routeLink({ page: 'models', modelId: item ?? null, graph: false });
  return routeLink({ page: 'runs', runId: item ?? null });
}
