/** What a variant left as it was (kept float, not pruned), each with why: a folded list under a count. */
export function SkippedList({ label, items, testId }: { label: string; items: ReadonlyArray<{ node: string; opType: string; reason: string }>; testId: string }) {
  return (
    <details className="skipped" data-testid={testId}>
      <summary>{label}</summary>
      <ul>
        {items.map((s) => (
          <li key={s.node}>
            <code>{s.node}</code> <span className="muted">({s.opType})</span>: {s.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}
