import type { Block } from '../blocks';
import { formatBytes, threadsText } from '../format';
import type { ReportSection } from '../report-section';
import type { ReportRun } from '../report-types';

/** Runs on the same machine share a row: most reports compare runs of one machine. */
function machines(runs: readonly ReportRun[]): Array<{ key: string; runs: ReportRun[] }> {
  const groups = new Map<string, ReportRun[]>();
  for (const entry of runs) {
    const t = entry.run.target;
    const key = JSON.stringify([t.kind, t.name, t.hardware.arch, t.hardware.cpuModel, t.hardware.cores, t.hardware.memoryBytes, t.hardware.os]);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups].map(([key, members]) => ({ key, runs: members }));
}

function conditions(entry: ReportRun): string {
  const e = entry.run.environment;
  if (!e) return 'not recorded';
  const parts: string[] = [];
  if (e.cpuMHz) parts.push(`CPU ${e.cpuMHz.start.toFixed(0)} → ${e.cpuMHz.end.toFixed(0)} MHz`);
  if (e.temperatureC) parts.push(`${e.temperatureC.start.toFixed(1)} → ${e.temperatureC.end.toFixed(1)} °C`);
  if (e.loadAverage !== undefined) parts.push(`load ${e.loadAverage.toFixed(2)}`);
  if (e.busyProcesses && e.busyProcesses.length > 0) parts.push(`busy: ${e.busyProcesses.join(', ')}`);
  return parts.join('; ') || 'not recorded';
}

export const environmentSection: ReportSection = {
  id: 'environment',
  title: 'Environment',
  build(report) {
    const blocks: Block[] = [{ kind: 'subheading', text: 'Machines' }];
    blocks.push({
      kind: 'table',
      sortable: true,
      columns: [
        { label: 'runs' },
        { label: 'target' },
        { label: 'arch' },
        { label: 'CPU' },
        { label: 'cores', numeric: true },
        { label: 'memory', numeric: true },
        { label: 'OS' },
        { label: 'CPU features' },
      ],
      rows: machines(report.runs).map(({ runs }) => {
        const t = (runs[0] as ReportRun).run.target;
        return [
          runs.map((entry) => `#${entry.number}`).join(' '),
          `${t.name} (${t.kind})`,
          t.hardware.arch,
          t.hardware.cpuModel,
          { text: String(t.hardware.cores), sort: t.hardware.cores },
          { text: formatBytes(t.hardware.memoryBytes), sort: t.hardware.memoryBytes },
          t.hardware.os,
          t.hardware.cpuFeatures.join(' ') || 'not recorded',
        ];
      }),
    });
    blocks.push({ kind: 'subheading', text: 'Runtimes' });
    blocks.push({
      kind: 'table',
      sortable: true,
      columns: [{ label: 'run' }, { label: 'runtime' }, { label: 'version' }, { label: 'backend' }, { label: 'threads asked', numeric: true }, { label: 'threads used', numeric: true }, { label: 'conditions' }],
      rows: report.runs.map((entry) => {
        const r = entry.run.runtime;
        return [
          `#${entry.number}`,
          r.name,
          r.version,
          r.backend,
          { text: threadsText(entry.run.settings.threads), sort: entry.run.settings.threads },
          { text: threadsText(r.threads), sort: r.threads },
          conditions(entry),
        ];
      }),
    });
    return blocks;
  },
};
