/**
 * The runs ticked for comparison, kept in sessionStorage so a reload of any page keeps them (the
 * address holds them only on #/compare/...). Per tab, as the address is: another window starts with
 * its own selection. A browser that refuses storage keeps them for the page's life only.
 */
const STORAGE_KEY = 'edgebench.comparedRunIds';

/** The ids saved by this tab, or none. */
export function loadComparedRunIds(storage: Pick<Storage, 'getItem'> | undefined = sessionStorageOrUndefined()): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return []; // unreadable or refused: nothing was ticked
  }
}

export function saveComparedRunIds(ids: readonly string[], storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = sessionStorageOrUndefined()): void {
  try {
    if (ids.length === 0) storage?.removeItem(STORAGE_KEY);
    else storage?.setItem(STORAGE_KEY, JSON.stringify(ids));
  } catch {
    // storage refused or full: the selection lasts until the page is reloaded
  }
}

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    return undefined;
  }
}
