/**
 * The Python runner's accelerators. For real: Arm NN through Debian's python3-pyarmnn, whose only
 * backend on x86 is CpuRef (the arm64 lab board runs CpuAcc). With fake modules on PYTHONPATH
 * (test/integration/python-runner/fake-modules, labelled stand-ins; onnxruntime, tflite_runtime
 * and openvino cannot be installed here, and no Edge TPU, GPU or NPU exists): the choice of
 * delegate, execution provider and device, and the record of what ran. onnxruntime's node
 * placements are read from its VERBOSE session log in the recorded format (test/fixtures/accelerators).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { RunnerClient } from '../../../src/core/runner/runner-client';
import { PYTHON_RUNNER_SCRIPT, pythonRunnerSpawner } from '../../../src/core/targets/native-tools/python-spawner';
import { StudioError } from '../../../src/shared/errors';
import { RuntimeOptions, type RuntimeName } from '../../../src/shared/run-schema';
import { PYTHON, demoModel, requirePythonWithPyarmnn, root } from './python-env';

const FAKES = join(import.meta.dirname, 'fake-modules');
const FIXTURES = join(root, 'test', 'fixtures', 'accelerators');
const demoOnnx = join(root, 'resources', 'models', 'demo-mnist.onnx');

beforeAll(() => requirePythonWithPyarmnn());

/** Loads a model in a fresh runner (fake modules on PYTHONPATH when `fakeEnv` is given) and returns the loaded reply. */
async function load(runtime: RuntimeName, modelPath: string, options: Partial<RuntimeOptions>, fakeEnv?: Record<string, string>) {
  const env = fakeEnv === undefined ? process.env : { ...process.env, PYTHONPATH: FAKES, ...fakeEnv };
  const client = RunnerClient.start(pythonRunnerSpawner({ pythonPath: PYTHON, env }));
  try {
    const hello = await client.hello();
    const loaded = await client.load({ modelPath, runtime, threads: 2, inputs: [], options: RuntimeOptions.parse(options) });
    await client.warmup({ runs: 1 });
    return { hello, loaded };
  } finally {
    await client.bye().catch(() => undefined);
  }
}

async function refusal(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
  return error;
}

describe('Arm NN backends (real pyarmnn, CpuRef on this x86 machine)', () => {
  test('python:pyarmnn on CpuRef records what was asked and what ran; auto says CpuAcc is not in this build', async () => {
    const { hello, loaded } = await load('python:pyarmnn', demoModel, { armnnBackend: 'CpuRef' });
    expect(hello.runtimes['python:pyarmnn']).toMatch(/^pyarmnn \d+\.\d+\.\d+$/);
    expect(loaded.backend).toBe('pyarmnn CpuRef');
    expect(loaded.accelerator).toEqual({ requested: ['CpuRef'], used: ['CpuRef'], unavailable: [] });

    const auto = await load('python:pyarmnn', demoModel, {});
    expect(auto.loaded.accelerator).toEqual({ requested: ['CpuAcc', 'CpuRef'], used: ['CpuRef'], unavailable: [{ name: 'CpuAcc', reason: 'not in this Arm NN build (it has CpuRef)' }] });
  });

  test('a backend this build lacks is one sentence naming what it has and what to install', async () => {
    const error = await refusal(load('python:pyarmnn', demoModel, { armnnBackend: 'CpuAcc' }));
    expect(error.context.runnerCode).toBe('LOAD_FAILED');
    expect(error.message).toBe('Arm NN here has the backends CpuRef, not CpuAcc; install the backend (on Debian: libarmnn-cpuacc-backend<version>), or choose another with --armnn-backend.');
  });
});

describe('onnxruntime execution providers (fake onnxruntime, session log in the recorded format)', () => {
  const cudaLog = join(FIXTURES, 'ort-cuda-verbose.log');

  test('CUDA where the build has it: providers asked in order, what ran, and the nodes left on the CPU with why', async () => {
    const { hello, loaded } = await load('python:onnxruntime', demoOnnx, { ortProvider: 'cuda' }, { EDGEBENCH_FAKE_ORT_PROVIDERS: 'CUDAExecutionProvider', EDGEBENCH_FAKE_ORT_LOG: cudaLog });
    expect(hello.runtimes['python:onnxruntime']).toBe('onnxruntime 1.20.1+fake');
    expect(loaded.backend).toBe('cuda');
    expect(loaded.accelerator).toEqual({
      requested: ['CUDAExecutionProvider', 'CPUExecutionProvider'],
      used: ['CUDAExecutionProvider', 'CPUExecutionProvider'],
      unavailable: [],
      ops: {
        source: 'onnxruntime',
        onAccelerator: 6,
        onCpu: 4,
        cpuOps: [
          { opType: 'Gather', count: 1, reason: 'onnxruntime put it on the CPU as faster there' },
          { opType: 'NonMaxSuppression', count: 1, reason: 'no kernel on the accelerator' },
          { opType: 'Shape', count: 1, reason: 'onnxruntime put it on the CPU as faster there' },
          { opType: 'TopK', count: 1, reason: 'no kernel on the accelerator' },
        ],
      },
    });
  });

  test('auto takes every accelerator the build has, best first; a provider that fails to start is dropped and said', async () => {
    const env = { EDGEBENCH_FAKE_ORT_PROVIDERS: 'CUDAExecutionProvider,TensorrtExecutionProvider', EDGEBENCH_FAKE_ORT_DROP: 'TensorrtExecutionProvider', EDGEBENCH_FAKE_ORT_LOG: join(FIXTURES, 'ort-all-cpu-verbose.log') };
    const { loaded } = await load('python:onnxruntime', demoOnnx, { ortProvider: 'auto' }, env);
    expect(loaded.accelerator?.requested).toEqual(['TensorrtExecutionProvider', 'CUDAExecutionProvider', 'CPUExecutionProvider']);
    // That session's log put every node on the CPU: the run says so rather than crediting CUDA, which was registered.
    expect(loaded.backend).toBe('cpu');
    expect(loaded.accelerator?.used).toEqual(['CPUExecutionProvider']);
    expect(loaded.accelerator?.unavailable).toEqual([
      { name: 'TensorrtExecutionProvider', reason: 'onnxruntime could not start it and dropped it (see the runner log)' },
      { name: 'CUDAExecutionProvider', reason: 'registered, but onnxruntime placed no node on it' },
    ]);
    expect(loaded.accelerator?.ops).toEqual({ source: 'onnxruntime', onAccelerator: 0, onCpu: 3, cpuOps: [] });
  });

  test('a provider the build lacks is one sentence; the board runtime onnxruntime keeps to the CPU whatever the option says', async () => {
    const error = await refusal(load('python:onnxruntime', demoOnnx, { ortProvider: 'qnn' }, { EDGEBENCH_FAKE_ORT_PROVIDERS: 'CUDAExecutionProvider' }));
    expect(error.message).toBe(
      'onnxruntime cannot use QNNExecutionProvider here: this onnxruntime build has CUDAExecutionProvider, CPUExecutionProvider only; pip install onnxruntime-qnn (Snapdragon boards), or choose another provider (--ort-provider auto uses what this build has).',
    );
    const board = await load('onnxruntime', demoOnnx, { ortProvider: 'cuda' }, { EDGEBENCH_FAKE_ORT_PROVIDERS: 'CUDAExecutionProvider' });
    expect(board.loaded.backend).toBe('cpu');
    expect(board.loaded.accelerator).toBeUndefined();
  });
});

describe('TFLite delegates and OpenVINO devices (fake tflite_runtime and openvino)', () => {
  test('the Edge TPU delegate: refused in one sentence when libedgetpu does not load; when it does, the TPU op and the CPU ops of the execution plan', async () => {
    const error = await refusal(load('python:litert', demoModel, { tfliteDelegate: 'edgetpu' }, {}));
    expect(error.message).toBe(
      'The Edge TPU delegate (libedgetpu.so.1) could not be loaded by tflite_runtime: Failed to load delegate from libedgetpu.so.1; install the Edge TPU runtime (apt install libedgetpu1-std) and plug in the accelerator, or run without the delegate (--tflite-delegate none).',
    );
    const { hello, loaded } = await load('python:litert', demoModel, { tfliteDelegate: 'edgetpu' }, { EDGEBENCH_FAKE_TFLITE_DELEGATES: 'libedgetpu.so.1' });
    expect(hello.runtimes['python:litert']).toBe('tflite_runtime 2.14.0+fake');
    expect(loaded.backend).toBe('tflite_runtime Edge TPU delegate');
    expect(loaded.accelerator).toEqual({ requested: ['edgetpu'], used: ['edgetpu'], unavailable: [], ops: { source: 'interpreter', onAccelerator: 1, onCpu: 1, cpuOps: [{ opType: 'SOFTMAX', count: 1 }] } });
    const cpu = await load('python:litert', demoModel, {}, {});
    expect(cpu.loaded.backend).toBe('tflite_runtime cpu');
    expect(cpu.loaded.accelerator).toBeUndefined();
  });

  test('OpenVINO: AUTO records the device it chose; a device not present is one sentence', async () => {
    const { loaded } = await load('python:openvino', demoOnnx, { openvinoDevice: 'AUTO' }, { EDGEBENCH_FAKE_OPENVINO_DEVICES: 'CPU,GPU' });
    expect(loaded.backend).toBe('openvino GPU');
    expect(loaded.accelerator).toEqual({ requested: ['AUTO'], used: ['GPU'], unavailable: [] });
    const error = await refusal(load('python:openvino', demoOnnx, { openvinoDevice: 'NPU' }, {}));
    expect(error.message).toBe("OpenVINO here has the devices CPU, not NPU; install that device's OpenVINO plugin and driver, or choose another with --openvino-device.");
  });

  test('--probe lists what each module can accelerate with and the runtimes this interpreter serves (fake modules beside real pyarmnn)', () => {
    const probe = spawnSync(PYTHON, [PYTHON_RUNNER_SCRIPT, '--probe'], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: FAKES, EDGEBENCH_FAKE_ORT_PROVIDERS: 'CUDAExecutionProvider' } });
    expect(probe.status).toBe(0);
    const report = JSON.parse(probe.stdout) as { accelerators: Record<string, string[]>; serves: Record<string, string> };
    expect(report.accelerators).toEqual({ onnxruntime: ['CUDAExecutionProvider', 'CPUExecutionProvider'], tflite_runtime: [], pyarmnn: ['CpuRef'], openvino: ['CPU'] });
    expect(report.serves).toMatchObject({ 'python:litert': 'tflite_runtime 2.14.0+fake', 'python:onnxruntime': 'onnxruntime 1.20.1+fake', 'python:pyarmnn': expect.stringMatching(/^pyarmnn /) as string });
  });
});
