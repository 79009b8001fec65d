import { useState } from 'react';
import type { RunFile } from '../../../../shared/run-schema';
import { formatUs } from '../../format';
import { ShareBar } from './ShareBar';

type ProfileNode = NonNullable<RunFile['profile']>['nodes'][number];
type SortKey = 'time' | 'name' | 'opType';

/** Only the slowest nodes: a large graph has thousands, and the tail adds little. */
export const TOP_NODES = 30;

const COMPARE: Record<SortKey, (a: ProfileNode, b: ProfileNode) => number> = {
  time: (a, b) => b.meanUs - a.meanUs,
  name: (a, b) => a.name.localeCompare(b.name),
  opType: (a, b) => a.opType.localeCompare(b.opType) || b.meanUs - a.meanUs,
};

function SortHeader({ label, sortKey, current, onSort, numeric }: { label: string; sortKey: SortKey; current: SortKey; onSort: (key: SortKey) => void; numeric?: boolean }) {
  return (
    <th className={numeric ? 'num' : undefined} aria-sort={current === sortKey ? (sortKey === 'time' ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort-button" data-testid={`profile-sort-${sortKey}`} onClick={() => onSort(sortKey)}>
        {label}
        {current === sortKey ? (sortKey === 'time' ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}

/** The slowest nodes (top 30 by time), sortable by time, name or op type. */
export function ProfileNodes({ nodes }: { nodes: ProfileNode[] }) {
  const [sortKey, setSortKey] = useState<SortKey>('time');
  const top = [...nodes].sort(COMPARE.time).slice(0, TOP_NODES).sort(COMPARE[sortKey]);
  return (
    <table className="table compact profile-nodes-table" data-testid="profile-nodes">
      <caption>
        By node <span className="muted">{nodes.length > TOP_NODES ? `· slowest ${TOP_NODES} of ${nodes.length}` : `· ${nodes.length} nodes`}</span>
      </caption>
      <thead>
        <tr>
          <SortHeader label="Node" sortKey="name" current={sortKey} onSort={setSortKey} />
          <SortHeader label="Op type" sortKey="opType" current={sortKey} onSort={setSortKey} />
          <SortHeader label="Mean" sortKey="time" current={sortKey} onSort={setSortKey} numeric />
          <th>Share</th>
        </tr>
      </thead>
      <tbody>
        {top.map((node) => (
          <tr key={node.name} data-node={node.name}>
            <td className="node-name" title={node.name}>
              <code>{node.name}</code>
            </td>
            <td>{node.opType}</td>
            <td className="num">{formatUs(node.meanUs)}</td>
            <td>
              <ShareBar share={node.share} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
