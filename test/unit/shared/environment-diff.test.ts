import { describe, expect, test } from 'vitest';
import { ENVIRONMENT_FACTS, environmentDifferences, environmentFacts, NOT_RECORDED, type ComparableRun } from '../../../src/shared/environment-diff';
import type { RunEnvironment } from '../../../src/shared/run-schema';

/** A Raspberry Pi 4 run as the readers record it: the baseline every case changes one thing of. */
const PI_RUN: ComparableRun = {
  model: { sha256: 'a'.repeat(64) },
  runtime: { name: 'onnxruntime', version: '1.20.1', backend: 'cpu' },
  target: { hardware: { arch: 'arm64', cpuModel: 'Cortex-A72', cores: 4, cpuFeatures: ['asimd', 'crc32'] } },
  environment: {
    cpuMHz: { start: 1800, end: 1800 },
    temperatureC: { start: 50, end: 55 },
    loadAverage: 0.2,
    busyProcesses: [],
    governor: 'performance',
    coresMHz: { start: [1800, 1800, 1800, 1800], end: [1800, 1800, 1800, 1800], min: [600, 600, 600, 600], max: [1800, 1800, 1800, 1800] },
    stealShare: 0,
    iowaitShare: 0.001,
    thermalZones: [{ type: 'cpu-thermal', startC: 50, endC: 55 }],
    throttled: { now: false, sinceBoot: false, raw: 'throttled=0x0', source: 'vcgencmd get_throttled' },
    power: { source: 'ac' },
    memoryPressure: { someAvg10: 0 },
    memAvailableBytes: 3 * 1024 ** 3,
    kernel: '6.6.31+rpt-rpi-v8',
  },
};

const withEnvironment = (change: Partial<RunEnvironment>): ComparableRun => ({ ...PI_RUN, environment: { ...PI_RUN.environment, ...change } });
const facts = (a: ComparableRun, b: ComparableRun) => environmentDifferences(a, b).map((d) => d.fact);

describe('environmentDifferences', () => {
  test('a run compared with itself, or with an identical run, differs in nothing', () => {
    expect(environmentDifferences(PI_RUN, PI_RUN)).toEqual([]);
    expect(environmentDifferences(PI_RUN, structuredClone(PI_RUN))).toEqual([]);
  });

  // Each case changes one thing of the baseline; `differs` is what must be listed (exactly).
  const cases: Array<{ name: string; b: ComparableRun; differs: string[] }> = [
    { name: 'another model file', b: { ...PI_RUN, model: { sha256: 'b'.repeat(64) } }, differs: ['model'] },
    { name: 'another runtime version', b: { ...PI_RUN, runtime: { name: 'onnxruntime', version: '1.22.0', backend: 'cpu' } }, differs: ['runtime'] },
    { name: 'another machine', b: { ...PI_RUN, target: { hardware: { arch: 'arm64', cpuModel: 'Cortex-A76', cores: 4, cpuFeatures: ['asimd', 'crc32'] } } }, differs: ['cpu'] },
    { name: 'other CPU features (the same features in another order are the same)', b: { ...PI_RUN, target: { hardware: { arch: 'arm64', cpuModel: 'Cortex-A72', cores: 4, cpuFeatures: ['crc32', 'asimd', 'asimddp'] } } }, differs: ['cpu-features'] },
    { name: 'the same CPU features in another order', b: { ...PI_RUN, target: { hardware: { arch: 'arm64', cpuModel: 'Cortex-A72', cores: 4, cpuFeatures: ['crc32', 'asimd'] } } }, differs: [] },
    { name: 'another governor', b: withEnvironment({ governor: 'ondemand' }), differs: ['governor'] },
    { name: 'clock 10 % lower', b: withEnvironment({ coresMHz: { start: [1620, 1620, 1620, 1620], end: [1620, 1620, 1620, 1620] } }), differs: ['cpu-clock'] },
    { name: 'clock 4 % lower (within cpufreq jitter)', b: withEnvironment({ coresMHz: { start: [1728, 1728, 1728, 1728], end: [1728, 1728, 1728, 1728], max: [1800, 1800, 1800, 1800] } }), differs: [] },
    { name: 'clock capped (highest allowed 1500 MHz)', b: withEnvironment({ coresMHz: { start: [1500, 1500, 1500, 1500], end: [1500, 1500, 1500, 1500], max: [1500, 1500, 1500, 1500] } }), differs: ['cpu-clock', 'cpu-max-clock'] },
    { name: '2 % steal in one run', b: withEnvironment({ stealShare: 0.02 }), differs: ['steal'] },
    { name: '0.5 % steal (below the 1 % that shows)', b: withEnvironment({ stealShare: 0.005 }), differs: [] },
    { name: 'throttled during the run', b: withEnvironment({ throttled: { now: true, sinceBoot: true, raw: 'throttled=0x50005', source: 'vcgencmd get_throttled' } }), differs: ['throttling'] },
    { name: 'throttled some time since boot', b: withEnvironment({ throttled: { now: false, sinceBoot: true, raw: 'throttled=0x50000', source: 'vcgencmd get_throttled' } }), differs: ['throttling'] },
    { name: 'on battery', b: withEnvironment({ power: { source: 'battery' } }), differs: ['power-source'] },
    { name: 'another kernel', b: withEnvironment({ kernel: '6.1.21-v8+' }), differs: ['kernel'] },
    { name: 'load 0.2 against 2.5', b: withEnvironment({ loadAverage: 2.5 }), differs: ['load'] },
    { name: 'load 0.2 against 5.9', b: withEnvironment({ loadAverage: 5.9 }), differs: ['load'] },
    { name: 'load 0.2 against 0.9 (under one runnable process apart)', b: withEnvironment({ loadAverage: 0.9 }), differs: [] },
    { name: '12 °C hotter', b: withEnvironment({ thermalZones: [{ type: 'cpu-thermal', startC: 62, endC: 67 }], temperatureC: { start: 62, end: 67 } }), differs: ['temperature'] },
    { name: '8 °C hotter', b: withEnvironment({ thermalZones: [{ type: 'cpu-thermal', startC: 58, endC: 63 }], temperatureC: { start: 58, end: 63 } }), differs: [] },
    { name: 'a busy process', b: withEnvironment({ busyProcesses: ['stress-ng (pid 42, 98% of a core)'] }), differs: ['busy-processes'] },
    { name: 'memory pressure 12 %', b: withEnvironment({ memoryPressure: { someAvg10: 0.12 } }), differs: ['memory-pressure'] },
    { name: 'little memory available', b: withEnvironment({ memAvailableBytes: 300 * 1024 ** 2 }), differs: ['memory-available'] },
    { name: 'iowait 9 %', b: withEnvironment({ iowaitShare: 0.09 }), differs: ['iowait'] },
    { name: 'a Jetson power mode, the other run has none', b: withEnvironment({ power: { source: 'ac', mode: 'MAXN (mode 0)' } }), differs: [] },
  ];
  test.each(cases)('$name', ({ b, differs }) => {
    expect(facts(PI_RUN, b)).toEqual(differs);
    // The comparison is symmetric in what it finds.
    expect(facts(b, PI_RUN)).toEqual(differs);
  });

  test('load averages close to each other do not differ, however high', () => {
    expect(facts(withEnvironment({ loadAverage: 5.2 }), withEnvironment({ loadAverage: 5.9 }))).toEqual([]);
  });

  test('several differences come likeliest cause first, each a sentence with both values and the runs named', () => {
    const hot = withEnvironment({
      governor: 'powersave',
      stealShare: 0.031,
      throttled: { now: true, sinceBoot: true, raw: 'throttled=0x50005', source: 'vcgencmd get_throttled' },
      kernel: '6.1.21-v8+',
    });
    const differences = environmentDifferences(PI_RUN, hot, { a: 'the original run', b: 'this run' });
    expect(differences.map((d) => d.fact)).toEqual(['throttling', 'steal', 'governor', 'kernel']);
    expect(differences[0]).toEqual({
      fact: 'throttling',
      label: 'throttling',
      a: 'not throttled (throttled=0x0)',
      b: 'throttled during the run (throttled=0x50005)',
      sentence: 'The throttling differs: not throttled (throttled=0x0) in the original run, throttled during the run (throttled=0x50005) in this run; a throttled board runs at a lower clock.',
    });
    expect(differences[1]).toMatchObject({ a: '0.0 %', b: '3.1 %' });
    expect(differences[2]?.sentence).toBe(
      'The CPU governor differs: performance in the original run, powersave in this run; a governor other than performance lets the clock change between and during runs.',
    );
    // The ids the callers switch on stay the ones the module documents.
    for (const difference of differences) expect(ENVIRONMENT_FACTS).toContain(difference.fact);
  });

  test('a setting one run did not record is not a difference; a trouble seen in one run is, against "not recorded"', () => {
    // An edgebench.run/1 file from before issue 12: clock, temperature, load and busy processes only.
    const older: ComparableRun = { ...PI_RUN, environment: { cpuMHz: { start: 1800, end: 1790 }, temperatureC: { start: 51, end: 56 }, loadAverage: 0.3, busyProcesses: [] } };
    expect(facts(older, PI_RUN)).toEqual([]);
    const stolen = withEnvironment({ stealShare: 0.04, throttled: { now: true, sinceBoot: true, raw: 'throttled=0x4', source: 'vcgencmd get_throttled' } });
    const differences = environmentDifferences(older, stolen);
    expect(differences.map((d) => d.fact)).toEqual(['throttling', 'steal']);
    expect(differences[1]).toMatchObject({ a: NOT_RECORDED, b: '4.0 %' });
    // A run with no environment at all (a serial device) against the Pi: only what both have.
    expect(facts({ model: PI_RUN.model, runtime: PI_RUN.runtime }, PI_RUN)).toEqual([]);
  });

  test('old runs compare by their average clock and hottest zone when per-core readings are missing', () => {
    const older = (mhz: number, hottest: number): ComparableRun => ({ environment: { cpuMHz: { start: mhz, end: mhz }, temperatureC: { start: hottest - 2, end: hottest } } });
    expect(facts(older(2600, 50), older(2000, 64))).toEqual(['cpu-clock', 'temperature']);
    expect(environmentDifferences(older(2600, 50), older(2000, 64))[0]).toMatchObject({ a: '2600 MHz', b: '2000 MHz' });
  });

  test('both runs stolen from: a difference only when one had at least twice the other', () => {
    expect(facts(withEnvironment({ stealShare: 0.02 }), withEnvironment({ stealShare: 0.025 }))).toEqual([]);
    expect(facts(withEnvironment({ stealShare: 0.02 }), withEnvironment({ stealShare: 0.06 }))).toEqual(['steal']);
  });
});

describe("each cluster's governor", () => {
  /** An RK3399 board's run: its two clusters' governors before and after the timed runs, and the single governor older readers show. */
  const rk = (little: [string, string], big: [string, string]): ComparableRun => {
    const governors = [...new Set([...little, ...big])].sort().join(', ');
    return withEnvironment({
      governor: governors,
      cpuClusters: [
        { cpus: [0, 1, 2, 3], maxMHz: 1416, governor: { start: little[0], end: little[1] }, curMHz: { start: 1416, end: 1416 } },
        { cpus: [4, 5], maxMHz: 1800, governor: { start: big[0], end: big[1] }, curMHz: { start: 1800, end: 1800 } },
      ],
    });
  };
  const schedutil: [string, string] = ['schedutil', 'schedutil'];
  const performance: [string, string] = ['performance', 'performance'];

  test('a cluster whose governor changed is named once, by cluster, in the words repro prints', () => {
    const differences = environmentDifferences(rk(schedutil, schedutil), rk(schedutil, performance), { a: 'the original run', b: 'this run' });
    // Not also 'governor' (schedutil against "performance, schedutil"): the per-cluster fact says it better.
    expect(differences.map((d) => d.fact)).toEqual(['cluster-governors']);
    expect(differences[0]?.sentence).toBe(
      "The governor per CPU cluster differs: CPUs 0-3 schedutil and CPUs 4-5 schedutil in the original run, CPUs 0-3 schedutil and CPUs 4-5 performance in this run; a governor other than performance lets that cluster's clock change between and during runs.",
    );
    expect(facts(rk(schedutil, performance), rk(schedutil, performance))).toEqual([]);
  });

  test('governors swapped between clusters (the same union) and a change during one run are differences too', () => {
    expect(facts(rk(performance, schedutil), rk(schedutil, performance))).toEqual(['cluster-governors']);
    const changed = environmentDifferences(rk(schedutil, schedutil), rk(schedutil, ['schedutil', 'performance']));
    expect(changed.map((d) => [d.a, d.b])).toEqual([['CPUs 0-3 schedutil and CPUs 4-5 schedutil', 'CPUs 0-3 schedutil and CPUs 4-5 schedutil → performance']]);
  });

  test('against a run that recorded no clusters (older, or a serial board) the single governor is compared, as before', () => {
    expect(facts(rk(performance, performance), PI_RUN)).toEqual([]);
    expect(facts(rk(schedutil, schedutil), PI_RUN)).toEqual(['governor']);
    expect(environmentFacts(rk(schedutil, ['schedutil', 'performance'])).find((f) => f.fact === 'cluster-governors')).toEqual({
      fact: 'cluster-governors',
      label: 'governor per CPU cluster',
      value: 'CPUs 0-3 schedutil and CPUs 4-5 schedutil → performance',
    });
    expect(environmentFacts(PI_RUN).map((f) => f.fact)).not.toContain('cluster-governors');
  });
});

describe('environmentFacts', () => {
  test("one run's recorded facts, in the comparison's order and words; unrecorded facts are left out", () => {
    const listed = environmentFacts(withEnvironment({ power: { source: 'battery', mode: '15W (mode 2)' } }));
    expect(listed.map((f) => f.fact)).toEqual([
      'model', 'runtime', 'cpu', 'cpu-features', 'throttling', 'steal', 'governor', 'cpu-clock', 'cpu-max-clock', 'temperature',
      'power-source', 'power-mode', 'busy-processes', 'load', 'memory-pressure', 'memory-available', 'iowait', 'kernel',
    ]);
    const value = (fact: string) => listed.find((f) => f.fact === fact)?.value;
    expect(value('cpu-clock')).toBe('1800 MHz');
    expect(value('temperature')).toBe('55.0 °C');
    expect(value('power-source')).toBe('battery');
    expect(value('memory-available')).toBe('3.00 GiB');
    expect(value('memory-pressure')).toBe('0.0 % of the last 10 s stalled');
    expect(value('model')).toBe('sha256 aaaaaaaaaaaa');
    expect(environmentFacts({ environment: { busyProcesses: [] } })).toEqual([{ fact: 'busy-processes', label: 'busy processes', value: 'none' }]);
  });
});
