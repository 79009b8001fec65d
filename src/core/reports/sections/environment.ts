import { environmentDifferences, environmentFacts, NOT_RECORDED, type EnvironmentFact } from '../../../shared/environment-diff';
import type { RunEnvironment } from '../../../shared/run-schema';
import type { Block } from '../blocks';
import { threadsText } from '../format';
import { formatBytes } from '../../../shared/units';
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

/** The Machines and Runtimes tables already show these; the conditions table shows the rest. */
const SHOWN_ELSEWHERE: ReadonlySet<EnvironmentFact> = new Set(['model', 'runtime', 'cpu', 'cpu-features']);
/** What older runs recorded (the Runtimes table's conditions column); anything else is the fuller environment. */
const BASIC_KEYS: ReadonlySet<string> = new Set(['cpuMHz', 'temperatureC', 'loadAverage', 'busyProcesses']);

const hasFullerEnvironment = (entry: ReportRun): boolean => Object.keys(entry.run.environment ?? {}).some((key) => !BASIC_KEYS.has(key));

/** Per-core clocks and every thermal zone, which the one-value rows summarise. */
function detailRows(environment: RunEnvironment | undefined): Array<[string, string | undefined]> {
  const cores = environment?.coresMHz;
  const clocks = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join('/');
  const zones = environment?.thermalZones;
  return [
    ['clock per core', cores === undefined ? undefined : `${clocks(cores.start)} → ${clocks(cores.end)} MHz${cores.min !== undefined && cores.max !== undefined ? ` (allowed ${Math.min(...cores.min).toFixed(0)}–${Math.max(...cores.max).toFixed(0)})` : ''}`],
    ['thermal zones', zones === undefined || zones.length === 0 ? undefined : zones.map((zone) => `${zone.type} ${zone.startC.toFixed(1)} → ${zone.endC.toFixed(1)} °C`).join('; ')],
  ];
}

/**
 * One row per fact, one column per run, for runs that recorded the fuller environment (issue 12's
 * readers); then, per machine, what differs from the machine's first run, in environmentDifferences' words.
 */
function conditionBlocks(runs: readonly ReportRun[]): Block[] {
  const recorded = runs.filter(hasFullerEnvironment);
  if (recorded.length === 0) return [];
  const perRun = recorded.map((entry) => {
    const values = new Map<string, string>();
    for (const fact of environmentFacts(entry.run)) if (!SHOWN_ELSEWHERE.has(fact.fact)) values.set(fact.label, fact.value);
    for (const [label, value] of detailRows(entry.run.environment)) if (value !== undefined) values.set(label, value);
    return values;
  });
  const labels = [...new Set(perRun.flatMap((values) => [...values.keys()]))];
  const blocks: Block[] = [
    { kind: 'subheading', text: 'Conditions' },
    {
      kind: 'table',
      sortable: false,
      columns: [{ label: 'fact' }, ...recorded.map((entry) => ({ label: `#${entry.number}` }))],
      rows: labels.map((label) => [label, ...perRun.map((values) => values.get(label) ?? NOT_RECORDED)]),
    },
  ];
  const differences = machines(recorded).flatMap(({ runs: group }) => {
    const [first, ...rest] = group as [ReportRun, ...ReportRun[]];
    return rest.flatMap((entry) =>
      environmentDifferences(first.run, entry.run, { a: `#${first.number}`, b: `#${entry.number}` })
        .filter((difference) => !SHOWN_ELSEWHERE.has(difference.fact))
        .map((difference) => difference.sentence),
    );
  });
  if (differences.length > 0) blocks.push({ kind: 'subheading', text: 'Conditions that differ on the same machine' }, { kind: 'list', items: differences });
  return blocks;
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
    blocks.push(...conditionBlocks(report.runs));
    return blocks;
  },
};
