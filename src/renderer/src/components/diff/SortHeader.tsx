interface Props<K extends string> {
  label: string;
  sortKey: K;
  current: K;
  descending: boolean;
  onSort: (key: K) => void;
  numeric?: boolean;
  testIdPrefix: string;
}

/** A column header that sorts the table by its column; a second click reverses the order. */
export function SortHeader<K extends string>({ label, sortKey, current, descending, onSort, numeric, testIdPrefix }: Props<K>) {
  const active = current === sortKey;
  return (
    <th className={numeric ? 'num' : undefined} aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort-button" data-testid={`${testIdPrefix}-${sortKey}`} onClick={() => onSort(sortKey)}>
        {label}
        {active ? (descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}
