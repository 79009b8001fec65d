import { useCallback, useEffect, useState } from 'react';

export const PAGES = ['models', 'targets', 'runs', 'compare', 'datasets', 'accuracy', 'devices'] as const;
export type Page = (typeof PAGES)[number];

function pageFromHash(): Page {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'models';
}

/**
 * The current page, kept in the URL's hash (the query string carries browser mode's token),
 * with Ctrl/Cmd+1..7 to switch (in the order of PAGES).
 */
export function usePage(): [Page, (page: Page) => void] {
  const [page, setPageState] = useState<Page>(pageFromHash);

  const setPage = useCallback((next: Page) => {
    window.history.replaceState(null, '', `#/${next}`);
    setPageState(next);
  }, []);

  useEffect(() => {
    const onHash = (): void => setPageState(pageFromHash());
    const onKey = (event: KeyboardEvent): void => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const index = PAGES.findIndex((_, i) => event.key === String(i + 1));
      const target = PAGES[index];
      if (target) {
        event.preventDefault();
        setPage(target);
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, [setPage]);

  return [page, setPage];
}
