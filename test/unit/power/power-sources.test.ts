/**
 * The power-source registry, enumerated as registries.test.ts does the others: each entry named by
 * its key, PowerSourceName its keys in order, options with defaults and a spec each, flags that
 * collide with no bench flag; every source either measures runs or says why not in a sentence,
 * and --energy's help and defaults come from the descriptors.
 */
import { describe, expect, it } from 'vitest';
import { benchFlags } from '../../../src/cli/commands/bench';
import { energyRequestFromArgs, withEnergyDefault } from '../../../src/cli/energy-flags';
import { parseArgs } from '../../../src/cli/args';
import { POWER_SOURCES, PowerSourceName, DEFAULT_POWER_SOURCE } from '../../../src/shared/plugins/power-sources';

describe('POWER_SOURCES', () => {
  it('names each entry by its key, and PowerSourceName is its keys in order', () => {
    for (const [key, source] of Object.entries(POWER_SOURCES)) expect(source.name).toBe(key);
    expect(PowerSourceName.options).toEqual(Object.keys(POWER_SOURCES));
    expect(DEFAULT_POWER_SOURCE).toBe('rapl');
  });

  it("gives every option a default and a spec, and each source's engine says whether it measures runs", () => {
    for (const source of Object.values(POWER_SOURCES)) {
      const defaults = source.options.parse({}) as Record<string, unknown>;
      expect(Object.keys(source.optionSpecs).sort()).toEqual(Object.keys(defaults).sort());
      if (source.engine.kind === 'parser') expect(source.engine.limitation).toMatch(/^\S.*[^.]$/);
    }
    expect(PowerSourceName.options.filter((name) => POWER_SOURCES[name].engine.kind === 'bench')).toEqual(['rapl', 'tegrastats', 'pi-pmic', 'android']);
  });

  it("puts the meters' two options on bench as one pair of flags for every source", () => {
    const flags = [...new Set(Object.values(POWER_SOURCES).flatMap((source) => Object.values(source.optionSpecs).map((spec) => (spec as { flag: string }).flag)))];
    expect(flags).toEqual(['energy-interval', 'energy-idle']);
    for (const flag of flags) expect(benchFlags[flag]?.help).toBe(Object.values(POWER_SOURCES.rapl.optionSpecs).find((spec) => spec.flag === flag)?.help);
  });
});

describe('--energy', () => {
  const request = (argv: string[]) => energyRequestFromArgs(parseArgs('bench', withEnergyDefault(argv), benchFlags));

  it('alone means RAPL with its defaults; a source may follow it; a model after it is not taken for a source', () => {
    expect(request(['m.onnx', '--energy'])).toEqual({ source: 'rapl', intervalMs: 20, idleMs: 1000 });
    expect(request(['--energy', 'm.onnx'])).toEqual({ source: 'rapl', intervalMs: 20, idleMs: 1000 });
    // A board's tool has its own defaults: read every 100 ms, a 2 s baseline.
    expect(request(['m.onnx', '--energy', 'tegrastats', '--energy-idle', '500'])).toEqual({ source: 'tegrastats', intervalMs: 100, idleMs: 500 });
    expect(request(['m.onnx', '--energy', 'pi-pmic'])).toEqual({ source: 'pi-pmic', intervalMs: 100, idleMs: 2000 });
    expect(request(['m.onnx'])).toBeNull();
  });

  it('refuses a measuring setting without --energy, and an unknown source', () => {
    expect(() => request(['m.onnx', '--energy-interval', '50'])).toThrow('--energy-interval sets how energy is measured; add --energy, or drop --energy-interval.');
    expect(() => request(['m.onnx', '--energy=wattmeter'])).toThrow(/--energy/);
    expect(() => request(['m.onnx', '--energy', 'pi-pmic', '--energy-interval', '5'])).toThrow(/^--energy-interval is out of range for --energy pi-pmic \(.*\); The pause between two vcgencmd pmic_read_adc calls\.$/);
  });
});
