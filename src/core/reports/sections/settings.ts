import { formatMs } from '../format';
import type { ReportSection } from '../report-section';

export const settingsSection: ReportSection = {
  id: 'settings',
  title: 'Settings',
  build(report) {
    return [
      {
        kind: 'table',
        sortable: true,
        columns: [
          { label: 'run' },
          { label: 'mode' },
          { label: 'warmup', numeric: true },
          { label: 'runs', numeric: true },
          { label: 'min time', numeric: true },
          { label: 'max time', numeric: true },
          { label: 'fresh inputs' },
          { label: 'runtime options' },
          { label: 'profile runs', numeric: true },
          { label: 'shapes and values' },
        ],
        rows: report.runs.map((entry) => {
          const s = entry.run.settings;
          const o = s.runtimeOptions;
          const options =
            entry.run.runtime.name === 'onnxruntime'
              ? `graph opt ${o.graphOptimizationLevel}, ${o.executionMode}, inter-op ${o.interOpThreads === 0 ? 'auto' : o.interOpThreads}`
              : entry.run.runtime.name === 'tfjs'
                ? `backend ${o.tfjsBackend}`
                : 'defaults';
          const given = [
            ...Object.entries(s.shapes).map(([name, dims]) => `${name}=${dims.join('x')}`),
            ...Object.entries(s.values).map(([name, value]) => `${name}:=${value}`),
          ];
          return [
            `#${entry.number}`,
            s.mode,
            { text: `${s.warmupRuns}${s.warmupMinTimeMs > 0 ? ` (≥ ${formatMs(s.warmupMinTimeMs)})` : ''}`, sort: s.warmupRuns },
            { text: String(s.runs), sort: s.runs },
            { text: s.minTimeMs > 0 ? formatMs(s.minTimeMs) : '—', sort: s.minTimeMs },
            { text: s.maxTimeMs > 0 ? formatMs(s.maxTimeMs) : 'no limit', sort: s.maxTimeMs },
            s.freshInputs ? 'yes' : 'no',
            options,
            { text: String(s.profileRuns), sort: s.profileRuns },
            given.join(', ') || 'defaults',
          ];
        }),
      },
    ];
  },
};
