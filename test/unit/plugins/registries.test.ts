/**
 * Every plug-in registry, enumerated: each entry is named by its key, the shared enums are the
 * registries' keys in order, each descriptor has its engine half, and each runtime's options are
 * complete (a spec per option, defaults for all, keys and flags that collide with nothing). A new
 * plug-in is checked here without new test code (docs/extending.md).
 */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { MODEL_READERS } from '../../../src/core/formats/model-readers';
import { REPORT_EXPORTERS } from '../../../src/core/reports/exporters';
import { runtimeLoaders } from '../../../src/core/runner/runtimes';
import { SERIAL_PROTOCOL_ADAPTERS } from '../../../src/core/targets/serial/serial-matrix-target';
import { TARGET_KIND_MODULES } from '../../../src/core/targets/target-registry';
import { BENCH_SETTING_SPECS } from '../../../src/shared/plugins/bench-settings';
import type { FieldSpec } from '../../../src/shared/plugins/plugin';
import { MODEL_FORMATS, ModelFormat } from '../../../src/shared/plugins/model-formats';
import { REPORT_FORMATS, ReportFormat } from '../../../src/shared/plugins/report-formats';
import { RUNTIMES, RUNTIMES_FOR_FORMAT, RuntimeName, RuntimeOptions, runtimeOptionsOf } from '../../../src/shared/plugins/runtimes';
import { DEFAULT_SERIAL_PROTOCOL, SERIAL_PROTOCOLS, SerialProtocol } from '../../../src/shared/plugins/serial-protocols';
import { STORED_KINDS, TARGET_KINDS, TargetConfig, TargetKind } from '../../../src/shared/plugins/target-kinds';
import { parseSerialTargetSpec } from '../../../src/shared/plugins/target-kinds/serial-spec';

const registries = {
  runtimes: { registry: RUNTIMES, names: RuntimeName.options },
  'model formats': { registry: MODEL_FORMATS, names: ModelFormat.options },
  'target kinds': { registry: TARGET_KINDS, names: TargetKind.options },
  'serial protocols': { registry: SERIAL_PROTOCOLS, names: SerialProtocol.options },
  'report formats': { registry: REPORT_FORMATS, names: ReportFormat.options },
};

describe.each(Object.entries(registries))('the %s registry', (_what, { registry, names }) => {
  it('names each entry by its key, and its enum is its keys in order', () => {
    expect(names).toEqual(Object.keys(registry));
    for (const [key, descriptor] of Object.entries(registry)) {
      expect(descriptor.name).toBe(key);
      expect(descriptor.label.trim()).not.toBe('');
      expect(descriptor.description.trim()).not.toBe('');
    }
  });
});

describe('runtime descriptors', () => {
  it('give every option a spec, and the specs name only options', () => {
    for (const name of RuntimeName.options) {
      const runtime = RUNTIMES[name];
      expect(Object.keys(runtime.optionSpecs).sort(), name).toEqual(Object.keys(runtime.options.shape).sort());
    }
  });

  it('give every option a default, and the flat record of run files holds every runtime’s defaults', () => {
    const flat = RuntimeOptions.parse({});
    for (const name of RuntimeName.options) {
      const defaults = RUNTIMES[name].options.parse({});
      expect(Object.keys(defaults).sort()).toEqual(Object.keys(RUNTIMES[name].options.shape).sort());
      expect(runtimeOptionsOf(name, flat)).toEqual(defaults);
    }
  });

  it('use option keys no other runtime uses (run files keep them side by side)', () => {
    const owners = new Map<string, string>();
    for (const name of RuntimeName.options) {
      for (const key of Object.keys(RUNTIMES[name].options.shape)) {
        expect(owners.get(key), `${key} of ${name}`).toBeUndefined();
        owners.set(key, name);
      }
    }
  });

  it('hand a runtime only its own options out of the flat record', () => {
    const flat = RuntimeOptions.parse({});
    for (const name of RuntimeName.options) {
      const own = Object.keys(runtimeOptionsOf(name, flat));
      for (const key of own) expect(Object.keys(RUNTIMES[name].options.shape)).toContain(key);
    }
  });

  it('use CLI flags no bench setting, other option or target kind uses', () => {
    const flags = new Map<string, string>();
    const claim = (flag: string, owner: string): void => {
      expect(flags.get(flag), `--${flag} of ${owner}`).toBeUndefined();
      flags.set(flag, owner);
    };
    for (const [key, spec] of Object.entries(BENCH_SETTING_SPECS)) claim(spec.flag, `bench setting ${key}`);
    for (const name of RuntimeName.options) {
      for (const [key, spec] of Object.entries(RUNTIMES[name].optionSpecs)) claim(spec.flag, `${name}.${key}`);
    }
    for (const kind of TargetKind.options) {
      for (const flag of Object.keys(TARGET_KINDS[kind].cliFlags)) claim(flag, `target kind ${kind}`);
    }
  });

  it('offer in a select only values the option accepts, and label each one', () => {
    for (const name of RuntimeName.options) {
      const shape: Record<string, z.ZodType> = RUNTIMES[name].options.shape;
      const specs: Record<string, { field: FieldSpec }> = RUNTIMES[name].optionSpecs;
      for (const [key, spec] of Object.entries(specs)) {
        if (spec.field.kind !== 'select') continue;
        for (const [value, label] of Object.entries(spec.field.choices)) {
          expect(shape[key]?.safeParse(value).success, `${name}.${key} offers '${value}'`).toBe(true);
          expect(label.trim()).not.toBe('');
        }
      }
    }
  });

  it('load every model format with some runtime, the first in the registry being its default', () => {
    for (const format of ModelFormat.options) {
      const loaders = RuntimeName.options.filter((name) => RUNTIMES[name].formats.includes(format));
      expect(loaders.length, `${format} has a runtime`).toBeGreaterThan(0);
      expect(RUNTIMES_FOR_FORMAT[format]).toEqual(loaders);
    }
  });
});

describe('engine halves', () => {
  it('every runtime has a loadable engine module of its name', async () => {
    expect(Object.keys(runtimeLoaders)).toEqual(RuntimeName.options);
    for (const name of RuntimeName.options) {
      const module = await runtimeLoaders[name]();
      expect(module.name).toBe(name);
    }
  });

  it('every model format has one reader, with its descriptor’s extensions', () => {
    expect(MODEL_READERS.map((reader) => reader.format).sort()).toEqual([...ModelFormat.options].sort());
    for (const reader of MODEL_READERS) expect(reader.extensions).toEqual(MODEL_FORMATS[reader.format].extensions);
  });

  it('every stored target kind has an engine module that opens and tests it; This computer alone is not stored', async () => {
    expect(TargetKind.options.filter((kind) => TARGET_KINDS[kind].stored === null)).toEqual(['local']);
    expect(Object.keys(TARGET_KIND_MODULES).sort()).toEqual([...STORED_KINDS].sort());
    for (const kind of STORED_KINDS) {
      const module = await TARGET_KIND_MODULES[kind]();
      expect(typeof module.open, kind).toBe('function');
      expect(typeof module.test, kind).toBe('function');
    }
  });

  it('targets.json accepts a config of every stored kind, built from its descriptor', () => {
    const samples: Record<(typeof STORED_KINDS)[number], unknown> = {
      ssh: { kind: 'ssh', name: 'pi', host: 'raspberrypi.local', user: 'pi' },
      serial: { kind: 'serial', name: 'esp32', path: '/dev/ttyUSB0' },
      adb: { kind: 'adb', name: 'pixel', serial: 'R58M1234ABC' },
    };
    for (const kind of STORED_KINDS) {
      const parsed = TargetConfig.parse(samples[kind]);
      expect(parsed.kind).toBe(kind);
      expect(TARGET_KINDS[kind].stored?.config.safeParse(samples[kind]).success).toBe(true);
    }
  });

  it('every serial protocol has an adapter, and a spec naming it starts at its firmware’s rate', () => {
    expect(Object.keys(SERIAL_PROTOCOL_ADAPTERS).sort()).toEqual([...SerialProtocol.options].sort());
    expect(DEFAULT_SERIAL_PROTOCOL).toBe(SerialProtocol.options[0]);
    for (const protocol of SerialProtocol.options) {
      const spec = parseSerialTargetSpec(`serial:///dev/ttyUSB0?protocol=${protocol}`);
      expect(spec.protocol).toBe(protocol);
      expect(spec.baudRate).toBe(SERIAL_PROTOCOLS[protocol].defaultBaud);
    }
  });

  it('every report format has its exporter, in the registry’s order, with the descriptor’s extension', () => {
    expect(REPORT_EXPORTERS.map((exporter) => exporter.format)).toEqual(ReportFormat.options);
    for (const exporter of REPORT_EXPORTERS) {
      expect(exporter.extension).toBe(REPORT_FORMATS[exporter.format].extension);
      expect(typeof exporter.export).toBe('function');
    }
  });
});

describe('what target kinds’ flags give the connections', () => {
  it('the SSH kind reads its own flags; a password variable that is not set is one sentence naming it', async () => {
    const { parseArgs } = await import('../../../src/cli/args');
    const { benchFlags } = await import('../../../src/cli/commands/bench');
    const { targetContext } = await import('../../../src/cli/target-flags');
    const args = (argv: string[]) => parseArgs('bench', ['model.onnx', ...argv], benchFlags);
    process.env.EDGEBENCH_TEST_PASSWORD = 'hunter2';
    try {
      const context = targetContext(args(['--password-env', 'EDGEBENCH_TEST_PASSWORD', '--accept-new-host-key', '--known-hosts', 'hosts', '--identity', 'key']));
      expect(context).toMatchObject({ password: 'hunter2', acceptHostKey: 'any-new' });
      expect(context.knownHostsFile).toBe(path.resolve('hosts'));
      expect(context.identityFile).toBe(path.resolve('key'));
    } finally {
      delete process.env.EDGEBENCH_TEST_PASSWORD;
    }
    expect(targetContext(args([])).knownHostsFile).toBe(path.join(os.homedir(), '.ssh', 'known_hosts'));
    expect(() => targetContext(args(['--password-env', 'EDGEBENCH_TEST_UNSET_VARIABLE']))).toThrow(
      "--password-env names 'EDGEBENCH_TEST_UNSET_VARIABLE', which is not set in the environment; export it first.",
    );
  });
});

describe('where the studio does what a target flag does', () => {
  it('a flag that names a form field names a field its kind’s form has', () => {
    for (const kind of TargetKind.options) {
      const stored = TARGET_KINDS[kind].stored;
      const keys = stored === null ? [] : stored.form.items.flatMap((item) => ('row' in item ? item.row.map((f) => f.key) : 'field' in item ? [item.field.key] : []));
      for (const [flag, spec] of Object.entries(TARGET_KINDS[kind].cliFlags)) {
        if (spec.ui !== undefined && 'field' in spec.ui) expect(keys, `--${flag} of ${kind}`).toContain(spec.ui.field);
      }
    }
  });
});
