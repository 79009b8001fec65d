/**
 * Android devices over adb: the model and TFLite's benchmark_model go to /data/local/tmp with
 * `adb push`, and each cell runs benchmark_model there (`adb shell`), with a delegate and CPUs
 * chosen per target. Spec: adb://SERIAL?delegate=gpu&cpus=big (SERIAL as `adb devices` lists it:
 * a USB serial, or HOST:PORT for a device reached with `adb connect`).
 */
import { z } from 'zod';
import { StudioError } from '../../errors';
import { defineTargetKind, type FormValues } from './target-kind';

/** Which TFLite delegate benchmark_model applies: XNNPACK (CPU), GPU, NNAPI, or none (TFLite's built-in CPU kernels). */
export const AdbDelegate = z.enum(['xnnpack', 'gpu', 'nnapi', 'cpu']);
export type AdbDelegate = z.infer<typeof AdbDelegate>;

export const ADB_DELEGATE_LABELS: Readonly<Record<AdbDelegate, string>> = {
  xnnpack: 'XNNPACK delegate (CPU)',
  gpu: 'GPU delegate',
  nnapi: 'NNAPI delegate',
  cpu: 'TFLite built-in CPU kernels (no delegate)',
};

/** all; a cluster by rank (little = slowest max clock, big = fastest, mid = the ones between); or a hex CPU mask (0xf0). */
const CPUS_PATTERN = /^(all|little|mid|big|0x[0-9a-f]{1,16})$/i;

export const AdbTargetConfig = z.object({
  kind: z.literal('adb'),
  name: z.string().min(1).max(100),
  /** As `adb devices` lists it. */
  serial: z.string().min(1).max(200),
  delegate: AdbDelegate.default('xnnpack'),
  /** The CPUs benchmark_model is pinned to (taskset): all, little, mid, big, or a hex mask. */
  cpus: z.string().regex(CPUS_PATTERN).default('all'),
  /** benchmark_model built for the device's ABI, on this computer, pushed before the runs; absent: the one at /data/local/tmp/benchmark_model. */
  benchmarkModel: z.string().max(1000).optional(),
});
export type AdbTargetConfig = z.infer<typeof AdbTargetConfig>;

const SYNTAX = 'adb://SERIAL?delegate=xnnpack|gpu|nnapi|cpu&cpus=all|little|mid|big|0xMASK';

function bad(text: string, why: string): StudioError {
  return new StudioError('BAD_INPUT', `The target '${text}' is not a valid adb target (${why}); write it as adb://SERIAL, e.g. adb://R58M1234ABC or adb://192.168.1.30:5555?delegate=gpu&cpus=big.`, { target: text });
}

export function parseAdbSpec(text: string): Pick<AdbTargetConfig, 'serial' | 'delegate' | 'cpus'> {
  if (!text.startsWith('adb://')) throw bad(text, "it does not start with 'adb://'");
  const [serialPart = '', query = ''] = text.slice('adb://'.length).split('?', 2);
  const serial = decodeURIComponent(serialPart);
  if (serial === '' || /\s/.test(serial)) throw bad(text, 'the serial is missing; `adb devices` lists it');
  const params = new URLSearchParams(query);
  for (const key of params.keys()) if (key !== 'delegate' && key !== 'cpus') throw bad(text, `'${key}' is not one of its settings: delegate, cpus`);
  const delegate = AdbDelegate.safeParse(params.get('delegate') ?? 'xnnpack');
  if (!delegate.success) throw bad(text, `delegate '${params.get('delegate')}' is not one of ${AdbDelegate.options.join(', ')}`);
  const cpus = (params.get('cpus') ?? 'all').toLowerCase();
  if (!CPUS_PATTERN.test(cpus)) throw bad(text, `cpus '${cpus}' is not all, little, mid, big or a hex mask such as 0xf0`);
  return { serial, delegate: delegate.data, cpus };
}

export function formatAdbSpec(config: Pick<AdbTargetConfig, 'serial' | 'delegate' | 'cpus'>): string {
  const query = [config.delegate !== 'xnnpack' ? `delegate=${config.delegate}` : '', config.cpus !== 'all' ? `cpus=${config.cpus}` : ''].filter((part) => part !== '');
  return `adb://${config.serial}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

function adbConfigFrom(values: FormValues, name: string): { ok: true; config: AdbTargetConfig } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const serial = (values.serial ?? '').trim();
  const cpus = (values.cpus ?? 'all').trim().toLowerCase() || 'all';
  const benchmarkModel = (values.benchmarkModel ?? '').trim();
  if (serial === '') errors.serial = 'Enter the serial `adb devices` lists, e.g. R58M1234ABC, or HOST:PORT for a device on the network.';
  else if (/\s/.test(serial)) errors.serial = 'A serial has no spaces: copy it from `adb devices`.';
  if (!CPUS_PATTERN.test(cpus)) errors.cpus = 'Enter all, little, mid, big, or a hex CPU mask such as 0xf0.';
  if (benchmarkModel.length > 1000) errors.benchmarkModel = 'Use a path of at most 1000 characters.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const delegate = AdbDelegate.catch('xnnpack').parse(values.delegate);
  return { ok: true, config: { kind: 'adb', name, serial, delegate, cpus, ...(benchmarkModel !== '' ? { benchmarkModel } : {}) } };
}

export const adbTargetKind = defineTargetKind({
  name: 'adb',
  label: 'Android (adb)',
  description: "An Android device reached with adb: the model and TFLite's benchmark_model are pushed and run there, with a delegate and CPU cluster.",
  processor: 'computer',
  // benchmark_model's own settings: its runs, warmup runs and threads; report mode's windows; its op profiler.
  benchSettings: ['runs', 'warmupRuns', 'mode', 'threads', 'profileRuns', 'cpus'],
  cliFlags: {
    'benchmark-model': {
      kind: 'string',
      valueName: 'FILE',
      file: "TFLite's benchmark_model binary",
      help: "TFLite's benchmark_model built for the device's ABI (e.g. android_aarch64_benchmark_model), pushed to the device; default: the one at /data/local/tmp/benchmark_model.",
      ui: { field: 'benchmarkModel' },
    },
  },
  stored: {
    config: AdbTargetConfig,
    spec: {
      scheme: 'adb://',
      syntax: SYNTAX,
      parse(text, session): AdbTargetConfig {
        const parsed = parseAdbSpec(text);
        const binary = session.flags['benchmark-model'];
        return { kind: 'adb', name: parsed.serial, ...parsed, ...(typeof binary === 'string' ? { benchmarkModel: binary } : {}) };
      },
      format: formatAdbSpec,
    },
    form: {
      kindHint: 'Android phone or board, over USB or adb connect',
      testNote: 'Not tested yet. Test connection asks adb for the device and reads its model, ABI, Android version, SoC, CPU clusters and thermal status.',
      namePlaceholder: 'pixel-8',
      defaults: { serial: '', delegate: 'xnnpack', cpus: 'all', benchmarkModel: '' },
      items: [
        {
          row: [
            { key: 'serial', label: 'Serial', kind: 'text', hint: 'As `adb devices` lists it (HOST:PORT after adb connect)', placeholder: 'R58M1234ABC', className: 'grow', testId: 'target-adb-serial-input' },
            { key: 'cpus', label: 'CPUs', kind: 'text', hint: 'all, little, mid, big or a hex mask', suggestions: ['all', 'little', 'mid', 'big'], className: 'port-field', testId: 'target-adb-cpus-input' },
          ],
        },
        {
          field: {
            key: 'delegate',
            label: 'Delegate',
            kind: 'choice',
            testId: 'target-adb-delegate',
            choices: AdbDelegate.options.map((value) => ({ value, label: ADB_DELEGATE_LABELS[value] })),
          },
        },
        {
          field: {
            key: 'benchmarkModel',
            label: 'benchmark_model',
            kind: 'text',
            hint: "TFLite's benchmark_model for the device's ABI, on this computer; empty uses /data/local/tmp/benchmark_model on the device",
            placeholder: '~/Downloads/android_aarch64_benchmark_model',
            className: 'key-field',
            testId: 'target-adb-benchmark-model-input',
          },
        },
        { note: { text: 'The studio uses the adb on this computer (Debian: apt install adb; or the Android SDK platform-tools) and its server; it downloads nothing.' } },
      ],
      fromConfig: (config) => ({ serial: config.serial, delegate: config.delegate, cpus: config.cpus, benchmarkModel: config.benchmarkModel ?? '' }),
      toConfig: adbConfigFrom,
    },
  },
});
