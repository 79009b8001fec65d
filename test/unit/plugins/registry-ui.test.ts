/**
 * The renderer's forms come from the registries: every runtime option is offered by the Runs
 * page's Advanced fields as its spec and schema say, every stored target kind's form is drawn from
 * its descriptor and round-trips its configs, and the Devices page's simulated boards and the
 * kind-specific UI follow the descriptors' facts. Enumerates the registries, so a new plug-in is
 * checked without a new test.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelFormat } from '../../../src/shared/plugins/model-formats';
import type { OptionSpec } from '../../../src/shared/plugins/plugin';
import { RUNTIMES, RuntimeName, RuntimeOptions, RUNTIMES_FOR_FORMAT } from '../../../src/shared/plugins/runtimes';
import { SERIAL_PROTOCOLS, SerialProtocol } from '../../../src/shared/plugins/serial-protocols';
import { STORED_KINDS, TARGET_KINDS, TargetKind, type StoredKindName, type TargetConfig } from '../../../src/shared/plugins/target-kinds';
import { DEFAULT_FORM, validateBenchForm, type BenchFormValues } from '../../../src/renderer/src/bench-form';
import {
  emptyTargetForm,
  formFields,
  formFromConfig,
  offeredKinds,
  targetFormModel,
  validateTargetForm,
  visibleItems,
} from '../../../src/renderer/src/components/targets/target-form';
import { advancedFieldsFor, DEFAULT_RUNTIME_FIELDS, disabledReason, profilerInUse, readRuntimeOptions, runtimesForFormats } from '../../../src/renderer/src/runtime-fields';
import { isImplicitTarget, isMicrocontroller, SIMULATED_BOARDS, targetTitle } from '../../../src/renderer/src/target-kind-view';

type AnySpec = OptionSpec<unknown, unknown>;

/** The values a zod field takes, from its JSON schema (an enum's values). */
function enumValues(schema: z.ZodObject<z.ZodRawShape>, key: string): string[] {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, { enum?: unknown[]; minimum?: number }> };
  return (json.properties[key]?.enum ?? []).map(String);
}

// The Runs page draws the options of each format's default runtime (a job sends no runtimes); the
// Python runner's 'python:*' runtimes are chosen with the CLI's --runtime, and their fields are not drawn there.
const drawnRuntimes = RuntimeName.options.filter((runtime) => ModelFormat.options.some((format) => RUNTIMES_FOR_FORMAT[format][0] === runtime));
const optionCases = drawnRuntimes.flatMap((runtime) =>
  Object.entries(RUNTIMES[runtime].optionSpecs as Record<string, AnySpec>).map(([key, spec]) => ({ runtime, key, spec })),
);

describe('Runs page: Advanced fields from the runtime registry', () => {
  it('has runtime options to check (the registry is not empty of them)', () => {
    expect(optionCases.length).toBeGreaterThan(0);
  });

  it.each(optionCases)('$runtime offers $key as its spec says', ({ runtime, key, spec }) => {
    const descriptor = RUNTIMES[runtime];
    const groups = advancedFieldsFor(descriptor.formats);
    const group = groups.find((g) => g.runtime === runtime);
    expect(group?.label).toBe(descriptor.label);
    const field = group?.fields.find((f) => f.key === key);
    expect(field).toBeDefined();
    if (!field) return;
    expect(field.label).toBe(spec.label);
    expect(field.hint).toBe(spec.field.hint ?? '');
    expect(field.testId).toBe(spec.field.testId ?? spec.flag);
    expect(field.input.kind).toBe(spec.field.kind);
    if (spec.field.kind === 'select' && field.input.kind === 'select') {
      const takes = enumValues(descriptor.options, key);
      const labelled = Object.keys(spec.field.choices).filter((value) => takes.includes(value));
      expect(field.input.choices.map((c) => c.value)).toEqual(labelled);
      expect(field.input.choices.map((c) => c.label)).toEqual(labelled.map((value) => (spec.field as { choices: Record<string, string> }).choices[value]));
      // Every choice reaches the job's options as that value.
      for (const choice of field.input.choices) {
        const read = readRuntimeOptions({ ...DEFAULT_RUNTIME_FIELDS, [key]: choice.value }, descriptor.formats);
        expect(read.ok && (read.options as Record<string, unknown>)[key]).toBe(choice.value);
      }
    }
    if (spec.field.kind === 'number' && field.input.kind === 'number') {
      const json = z.toJSONSchema(descriptor.options, { io: 'input' }) as { properties: Record<string, { minimum?: number }> };
      expect(field.input.min).toBe(json.properties[key]?.minimum ?? 0);
      const enabled = spec.field.enabledWhen ? { [spec.field.enabledWhen.key]: String(spec.field.enabledWhen.equals) } : {};
      const below = readRuntimeOptions({ ...DEFAULT_RUNTIME_FIELDS, ...enabled, [key]: String(field.input.min - 1) }, descriptor.formats);
      expect(below.ok ? null : below.errors[key]).toMatch(/^Use /);
    }
    const when = spec.field.enabledWhen;
    if (when) {
      expect(disabledReason(field, { ...DEFAULT_RUNTIME_FIELDS, [when.key]: String(when.equals) })).toBeUndefined();
      const other = enumValues(descriptor.options, when.key).find((value) => value !== String(when.equals)) ?? '';
      expect(disabledReason(field, { ...DEFAULT_RUNTIME_FIELDS, [when.key]: other })).toBe(when.reason);
    } else {
      expect(disabledReason(field, DEFAULT_RUNTIME_FIELDS)).toBeUndefined();
    }
  });

  it("shows only the options of the runtimes the ticked models' formats run on", () => {
    for (const runtime of RuntimeName.options) {
      const formats = RUNTIMES[runtime].formats.filter((format) => RUNTIMES_FOR_FORMAT[format][0] === runtime);
      if (formats.length === 0) continue;
      expect(runtimesForFormats(formats)).toEqual([runtime]);
      const shownKeys = advancedFieldsFor(formats).flatMap((g) => g.fields.map((f) => f.key));
      expect(shownKeys).toEqual(Object.keys(RUNTIMES[runtime].optionSpecs));
    }
    expect(advancedFieldsFor([])).toEqual([]);
  });

  it('sends the typed options of the runtimes in use and the defaults of the others', () => {
    const values: BenchFormValues = {
      ...DEFAULT_FORM,
      modelIds: ['m'],
      targetIds: ['local'],
      formats: ['onnx'],
      runtimeOptions: { ...DEFAULT_RUNTIME_FIELDS, executionMode: 'parallel', interOpThreads: '3', graphOptimizationLevel: 'basic' },
    };
    const onnx = validateBenchForm(values);
    expect(onnx.ok && onnx.request.settings.runtimeOptions).toEqual({ ...RuntimeOptions.parse({}), executionMode: 'parallel', interOpThreads: 3, graphOptimizationLevel: 'basic' });
    // A wrong value in a field shown blocks Start with its message; in a field not shown (a TF.js job) it does not.
    const wrong = { ...values, runtimeOptions: { ...values.runtimeOptions, interOpThreads: '2.5' } };
    const refused = validateBenchForm(wrong);
    expect(refused.ok ? null : refused.errors.runtimeOptions?.interOpThreads).toBe('Enter a whole number.');
    const tfjs = validateBenchForm({ ...wrong, formats: ['tfjs'], runtimeOptions: { ...wrong.runtimeOptions, tfjsBackend: 'wasm' } });
    expect(tfjs.ok && tfjs.request.settings.runtimeOptions).toEqual({ ...RuntimeOptions.parse({}), tfjsBackend: 'wasm' });
    // Sequential mode turns inter-op threads off: the default is sent whatever was typed.
    const sequential = validateBenchForm({ ...wrong, runtimeOptions: { ...wrong.runtimeOptions, executionMode: 'sequential' } });
    expect(sequential.ok && sequential.request.settings.runtimeOptions?.interOpThreads).toBe(0);
  });
});

/** One config of each stored kind, every optional field set (a new kind fails to compile until it has one). */
const SAMPLE_CONFIGS: { [K in StoredKindName]: Extract<TargetConfig, { kind: K }> } = {
  ssh: { kind: 'ssh', name: 'pi4-lab', host: '192.0.2.10', port: 2222, user: 'pi', auth: 'key', identityFile: '~/.ssh/lab_ed25519' },
  serial: { kind: 'serial', name: 'esp32-s3', path: '/dev/ttyUSB0', baudRate: 115200, protocol: 'mlperf-tiny' },
  adb: { kind: 'adb', name: 'pixel-8', serial: 'R58M1234ABC', delegate: 'nnapi', cpus: '0xf0', benchmarkModel: '~/bin/android_aarch64_benchmark_model' },
};

describe('Targets page: the Add/Edit form from the target kind registry', () => {
  it('offers exactly the stored kinds, in registry order, each with its label and hint', () => {
    expect(offeredKinds().map((k) => k.kind)).toEqual(STORED_KINDS);
    expect(STORED_KINDS.length).toBeGreaterThan(0);
    for (const model of offeredKinds()) {
      const form = TARGET_KINDS[model.kind].stored.form;
      expect(model.label).toBe(TARGET_KINDS[model.kind].label);
      expect(model.kindHint).toBe(form.kindHint);
      expect(model.namePlaceholder).toBe(form.namePlaceholder);
    }
    expect(emptyTargetForm().kind).toBe(STORED_KINDS[0]);
  });

  it.each(STORED_KINDS)('%s: draws its form items, with showWhen honoured', (kind) => {
    const model = targetFormModel(kind);
    const form = TARGET_KINDS[kind].stored.form;
    expect(model.items).toBe(form.items);
    const fields = formFields(model);
    expect(fields.length).toBeGreaterThan(0);
    expect(new Set(fields.map((f) => f.testId)).size).toBe(fields.length);
    // Every field is shown for some value of the fields it depends on, and hidden for another.
    for (const field of fields) {
      const when = field.showWhen;
      const drawn = (values: Record<string, string>): boolean =>
        visibleItems(model, values).some(({ item }) => ('row' in item ? item.row.includes(field) : 'field' in item && item.field === field));
      if (!when) {
        expect(drawn(form.defaults)).toBe(true);
        continue;
      }
      expect(drawn({ ...form.defaults, [when.key]: when.in[0] ?? '' })).toBe(true);
      expect(drawn({ ...form.defaults, [when.key]: '\u0000not-a-value' })).toBe(false);
    }
  });

  it.each(STORED_KINDS)('%s: toConfig(fromConfig(config)) gives the config back', (kind) => {
    const config = SAMPLE_CONFIGS[kind];
    const state = formFromConfig(config);
    expect(state.kind).toBe(kind);
    expect(state.fields[kind]).toEqual(targetFormModel(kind).fromConfig(config));
    const result = validateTargetForm(state, ['other board']);
    expect(result).toEqual({ ok: true, config });
  });

  it.each(STORED_KINDS)("%s: an empty form's messages are the kind's own toConfig messages plus the name's", (kind) => {
    const state = { ...emptyTargetForm(), kind };
    const result = validateTargetForm(state, []);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const own = targetFormModel(kind).toConfig(TARGET_KINDS[kind].stored.form.defaults, '');
    expect(result.errors).toEqual({ name: 'Give the target a name, e.g. pi4-lab.', ...(own.ok ? {} : own.errors) });
    const keys = new Set(formFields(targetFormModel(kind)).map((f) => f.key));
    for (const key of Object.keys(result.errors)) if (key !== 'name') expect(keys.has(key)).toBe(true);
  });

  it("refuses the implicit target's name and a name another target has", () => {
    const state = formFromConfig(SAMPLE_CONFIGS.ssh);
    const implicit = TargetKind.options.filter((k) => TARGET_KINDS[k].stored === null).map((k) => TARGET_KINDS[k].label);
    for (const label of implicit) {
      const result = validateTargetForm({ ...state, name: label.toUpperCase() }, []);
      expect(result.ok ? null : result.errors.name).toBe(`'${label}' is the studio's own machine: choose another name.`);
    }
    const taken = validateTargetForm(state, ['PI4-LAB']);
    expect(taken.ok ? null : taken.errors.name).toBe("Another target is called 'pi4-lab': choose a different name.");
  });

  it('offers every serial protocol, labelled as its descriptor says', () => {
    const protocol = formFields(targetFormModel('serial')).find((f) => f.key === 'protocol');
    expect(protocol?.choices?.map((c) => [c.value, c.label, c.hint])).toEqual(
      SerialProtocol.options.map((name) => [name, SERIAL_PROTOCOLS[name].label, SERIAL_PROTOCOLS[name].formHint]),
    );
  });
});

describe('Kind-specific UI from descriptor facts', () => {
  it('the Devices page offers a simulated board for each protocol that has one', () => {
    const expected = SerialProtocol.options.flatMap((name) => {
      const simulated = SERIAL_PROTOCOLS[name].simulated;
      return simulated ? [{ protocol: name, ...simulated }] : [];
    });
    expect(SIMULATED_BOARDS).toEqual(expected);
    expect(SIMULATED_BOARDS.length).toBeGreaterThan(0);
  });

  it.each(TargetKind.options)('%s: implicit, title and Devices page membership follow its descriptor', (kind) => {
    const descriptor = TARGET_KINDS[kind];
    const target = { kind, name: 'lab-board' };
    expect(isImplicitTarget(target)).toBe(descriptor.stored === null);
    expect(targetTitle(target)).toBe(descriptor.stored === null ? descriptor.label : 'lab-board');
    expect(isMicrocontroller(target)).toBe(descriptor.processor === 'microcontroller');
  });
});

describe('the Profile runs field', () => {
  it('is offered exactly when a runtime the ticked models run on has a profiler the studio reads', () => {
    for (const format of ModelFormat.options) {
      const runtime = RUNTIMES_FOR_FORMAT[format][0];
      expect(profilerInUse([format]), format).toBe(runtime !== undefined && RUNTIMES[runtime].profiler);
    }
    expect(profilerInUse([])).toBe(false);
  });
});
