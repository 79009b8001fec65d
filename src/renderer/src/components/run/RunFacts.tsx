import type { ReactNode } from 'react';
import { environmentFacts as sharedEnvironmentFacts, type EnvironmentFact } from '../../../../shared/environment-diff';
import { headlineMedianMs, type RunFile } from '../../../../shared/run-schema';
import { formatThreads } from '../../format';
import { formatMiB, formatMs } from '../../../../shared/units';
import { memoryFacts } from '../../simulated-view';
import { cpuSelectionShort, describeClusterStates, describeCpuPinning } from '../../../../shared/cpu-pinning';

interface Fact {
  label: string;
  value: ReactNode;
  hint: string;
  testId?: string;
}

function FactGroup({ title, facts, testId }: { title: string; facts: Fact[]; testId: string }) {
  return (
    <section className="fact-group" data-testid={testId}>
      <h3 className="section-title">{title}</h3>
      <dl>
        {facts.map((fact) => (
          <div key={fact.label} title={fact.hint} data-testid={fact.testId}>
            <dt>{fact.label}</dt>
            <dd>{fact.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function startEnd(range: { start: number; end: number } | undefined, unit: string, digits: number): string | null {
  if (!range) return null;
  const same = range.start.toFixed(digits) === range.end.toFixed(digits);
  return same ? `${range.start.toFixed(digits)} ${unit}` : `${range.start.toFixed(digits)} → ${range.end.toFixed(digits)} ${unit}`;
}

function environmentFacts(env: NonNullable<RunFile['environment']>): Fact[] {
  const facts: Fact[] = [];
  const mhz = startEnd(env.cpuMHz, 'MHz', 0);
  if (mhz) facts.push({ label: 'CPU clock', value: mhz, hint: 'at the start and the end of the run' });
  const temp = startEnd(env.temperatureC, '°C', 1);
  if (temp) facts.push({ label: 'Temperature', value: temp, hint: 'at the start and the end of the run' });
  if (env.loadAverage !== undefined) facts.push({ label: 'Load average', value: env.loadAverage.toFixed(2), hint: '1-minute load average before the run' });
  if (env.busyProcesses && env.busyProcesses.length > 0) {
    facts.push({ label: 'Busy processes', value: env.busyProcesses.join(', '), hint: 'the busiest other processes before the run' });
  }
  // The fuller environment (issue 12), in the words Compare and the reports use (src/shared/environment-diff.ts).
  for (const fact of sharedEnvironmentFacts({ environment: env })) {
    if (SHOWN_ABOVE.has(fact.fact)) continue;
    facts.push({ label: fact.label.charAt(0).toUpperCase() + fact.label.slice(1), value: fact.value, hint: 'recorded around the run', testId: `environment-${fact.fact}` });
  }
  return facts;
}

/** Facts the card words itself (start → end), or that other cards show (model, runtime, CPU). */
const SHOWN_ABOVE: ReadonlySet<EnvironmentFact> = new Set(['model', 'runtime', 'cpu', 'cpu-features', 'cpu-clock', 'temperature', 'load', 'busy-processes', 'cluster-governors']);

/** Each CPU cluster's governor and clock before and after the measured runs, beside the pinning they explain. */
function clusterFacts(run: RunFile): Fact[] {
  const lines = describeClusterStates(run.environment);
  if (lines.length === 0) return [];
  const value = lines.map((line) => <div key={line}>{line}</div>);
  return [{ label: lines.length === 1 ? 'CPU cluster' : 'CPU clusters', value, hint: 'cpufreq governor and mean current clock of each cluster, before → after the measured runs', testId: 'run-cpu-clusters' }];
}

/** Where the time and memory went, what ran it, and what the machine was doing. */
export function RunFacts({ run }: { run: RunFile }) {
  const m = run.memory;
  const { peak, modelLoad } = memoryFacts(run);
  const steadyMs = headlineMedianMs(run);
  const time: Fact[] = [
    { label: 'Session init', value: formatMs(run.initMs), hint: 'loading the model into a session' },
    { label: 'First inference', value: formatMs(run.firstInferenceMs), hint: 'kept apart from warmup and measured runs' },
    { label: 'Steady state', value: `${formatMs(steadyMs)} median`, hint: 'the measured runs after warmup' },
  ];
  const memory: Fact[] = [
    { label: peak.label, value: peak.value, hint: peak.hint, testId: 'peak-rss' },
    { label: modelLoad.label, value: modelLoad.value, hint: modelLoad.hint, testId: 'model-load-rss' },
    {
      label: 'OS peak',
      value: m.osPeakRssBytes === undefined || m.osPeakRssBytes === null ? 'not reported' : formatMiB(m.osPeakRssBytes),
      hint: "the operating system's own peak RSS of the runner at its exit",
    },
  ];
  const r = run.runtime;
  const runtime: Fact[] = [
    { label: 'Runtime', value: `${r.name} ${r.version}`, hint: 'the inference runtime and its version' },
    { label: 'Backend', value: r.backend, hint: 'which backend of the runtime ran the model', testId: 'runtime-backend' },
    { label: 'Threads', value: formatThreads(r.threads), hint: 'intra-op threads' },
    ...(run.settings.cpus !== undefined
      ? [{ label: 'CPUs', value: cpuSelectionShort(run.settings.cpus, run.cpuPinning), hint: describeCpuPinning(run) ?? '', testId: 'run-cpus' }]
      : []),
    ...clusterFacts(run),
  ];
  const environment = run.environment ? environmentFacts(run.environment) : [];
  return (
    <div className="facts-grid">
      <FactGroup title="Time split" facts={time} testId="time-split" />
      <FactGroup title="Memory" facts={memory} testId="memory-facts" />
      <FactGroup title="Runtime" facts={runtime} testId="runtime-facts" />
      <FactGroup
        title="Environment"
        facts={environment.length > 0 ? environment : [{ label: 'Not reported', value: '–', hint: 'this platform does not tell' }]}
        testId="environment-facts"
      />
    </div>
  );
}
