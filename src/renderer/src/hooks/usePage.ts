import { useCallback, useEffect, useState } from 'react';

export const PAGES = ['models', 'targets', 'runs', 'compare', 'datasets', 'accuracy', 'devices'] as const;
export type Page = (typeof PAGES)[number];

/** "#/models/0123abcd": the page, and the item on it to open (a model id), if the link names one. */
function locationFromHash(): { page: Page; item: string | null } {
  const [name = '', item = ''] = window.location.hash.replace(/^#\/?/, '').split('/');
  const page = (PAGES as readonly string[]).includes(name) ? (name as Page) : 'models';
  return { page, item: item === '' ? null : decodeURIComponent(item) };
}

/** The link that opens `page` with `item` selected (e.g. the bench form's "Open the Models page" for one model). */
export function pageLink(page: Page, item?: string): string {
  return item === undefined ? `#/${page}` : `#/${page}/${encodeURIComponent(item)}`;
}

/**
 * The current page, kept in the URL's hash (the query string carries browser mode's token),
 * with Ctrl/Cmd+1..7 to switch (in the order of PAGES). A link to `#/PAGE/ITEM` opens the page and
 * hands ITEM to `onItem` (the page selects it); the hash then drops the item, so a later reload or
 * another click on the same link opens it again rather than keeping a stale selection.
 */
export function usePage(onItem?: (page: Page, item: string) => void): [Page, (page: Page) => void] {
  const [page, setPageState] = useState<Page>(() => locationFromHash().page);

  const setPage = useCallback((next: Page) => {
    window.history.replaceState(null, '', `#/${next}`);
    setPageState(next);
  }, []);

  useEffect(() => {
    const onHash = (): void => {
      const { page: next, item } = locationFromHash();
      setPageState(next);
      if (item !== null) {
        window.history.replaceState(null, '', `#/${next}`);
        onItem?.(next, item);
      }
    };
    // A page opened at such a link (a reload, a pasted address) selects its item too.
    if (locationFromHash().item !== null) onHash();
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
  }, [setPage, onItem]);

  return [page, setPage];
}
