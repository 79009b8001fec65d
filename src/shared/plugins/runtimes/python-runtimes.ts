/**
 * The 'python:*' runtimes: an inference engine of the user's own Python (on this computer or a
 * board), run by the Python runner (resources/runners/python) over the same runner protocol, with
 * the accelerator each engine can use. The format runtimes (litert, onnxruntime) pick a module by
 * themselves on boards; these name the engine, so a matrix can put them side by side.
 */
import { z } from 'zod';
import { defineRuntime } from './runtime';

export const pythonLitertRuntime = defineRuntime({
  name: 'python:litert',
  label: 'LiteRT (Python)',
  description: "TFLite's native interpreter in Python (ai_edge_litert, else tflite_runtime, else tf.lite) with XNNPACK and threads; optionally the Edge TPU or GPU delegate.",
  formats: ['tflite'],
  profiler: false,
  options: z.object({
    /** A delegate to load (load_delegate): the Edge TPU (libedgetpu.so.1) or the TFLite GPU delegate; none runs on the CPU. */
    tfliteDelegate: z.enum(['none', 'edgetpu', 'gpu']).default('none'),
    /** edgetpu_compiler's log for this model (its console output or the _edgetpu.log file): which ops it mapped to the TPU. */
    edgetpuCompilerLog: z.string().default(''),
  }),
  optionSpecs: {
    tfliteDelegate: {
      label: 'TFLite delegate',
      flag: 'tflite-delegate',
      help: 'LiteRT (Python) delegate: none, edgetpu (libedgetpu.so.1) or gpu (default none).',
      field: { kind: 'select', choices: { none: 'none (CPU, XNNPACK)', edgetpu: 'Edge TPU (libedgetpu)', gpu: 'GPU delegate' }, hint: 'LiteRT (Python) only', testId: 'bench-tflite-delegate' },
      report: { label: 'delegate' },
    },
    edgetpuCompilerLog: {
      label: 'Edge TPU compiler log',
      flag: 'edgetpu-compiler-log',
      valueName: 'FILE',
      help: "edgetpu_compiler's output for the model, to record which ops run on the TPU and which on the CPU.",
      field: { kind: 'text', placeholder: 'model_edgetpu.log', hint: 'Optional, with the Edge TPU delegate', testId: 'bench-edgetpu-log' },
      report: { label: 'compiler log', text: (file) => (file === '' ? 'none' : file) },
    },
  },
});

export const pythonOnnxruntimeRuntime = defineRuntime({
  name: 'python:onnxruntime',
  label: 'onnxruntime (Python)',
  description: 'onnxruntime for Python, with the execution provider asked for (CUDA, TensorRT, OpenVINO, QNN) where its build has it.',
  formats: ['onnx'],
  profiler: false,
  options: z.object({
    /** The execution provider (providers=, checked against get_available_providers()); auto takes every accelerator the build has, best first. */
    ortProvider: z.enum(['cpu', 'auto', 'cuda', 'tensorrt', 'openvino', 'qnn']).default('cpu'),
  }),
  optionSpecs: {
    ortProvider: {
      label: 'Execution provider',
      flag: 'ort-provider',
      help: 'onnxruntime (Python) execution provider: cpu, auto, cuda, tensorrt, openvino or qnn (default cpu).',
      field: {
        kind: 'select',
        choices: { cpu: 'CPU', auto: 'auto (every accelerator this build has)', cuda: 'CUDA', tensorrt: 'TensorRT', openvino: 'OpenVINO', qnn: 'QNN (Qualcomm)' },
        hint: 'onnxruntime (Python) only',
        testId: 'bench-ort-provider',
      },
      report: { label: 'provider' },
    },
  },
});

export const pythonOpenvinoRuntime = defineRuntime({
  name: 'python:openvino',
  label: 'OpenVINO (Python)',
  description: "OpenVINO's runtime for Python, which reads ONNX and TFLite files itself, on the device asked for.",
  formats: ['onnx', 'tflite'],
  profiler: false,
  options: z.object({
    /** OpenVINO's device; AUTO lets it choose, and the run records the one it chose (EXECUTION_DEVICES). */
    openvinoDevice: z.enum(['CPU', 'GPU', 'NPU', 'AUTO']).default('CPU'),
  }),
  optionSpecs: {
    openvinoDevice: {
      label: 'OpenVINO device',
      flag: 'openvino-device',
      help: 'OpenVINO device: CPU, GPU, NPU or AUTO (default CPU).',
      field: { kind: 'select', choices: { CPU: 'CPU', GPU: 'GPU', NPU: 'NPU', AUTO: 'AUTO (OpenVINO chooses)' }, hint: 'OpenVINO only', testId: 'bench-openvino-device' },
      report: { label: 'device' },
    },
  },
});

export const pythonPyarmnnRuntime = defineRuntime({
  name: 'python:pyarmnn',
  label: 'Arm NN (Python)',
  description: "Arm NN's TFLite parser through pyarmnn, on the backend asked for (CpuAcc: NEON, GpuAcc: Mali, CpuRef: reference).",
  formats: ['tflite'],
  profiler: false,
  options: z.object({
    /** The Arm NN backend; auto is CpuAcc where the build has it, else CpuRef, as the board runtime 'litert' picks. */
    armnnBackend: z.enum(['auto', 'CpuAcc', 'GpuAcc', 'CpuRef']).default('auto'),
  }),
  optionSpecs: {
    armnnBackend: {
      label: 'Arm NN backend',
      flag: 'armnn-backend',
      help: 'Arm NN backend: auto, CpuAcc, GpuAcc or CpuRef (default auto: CpuAcc, else CpuRef).',
      field: { kind: 'select', choices: { auto: 'auto (CpuAcc, else CpuRef)', CpuAcc: 'CpuAcc (NEON)', GpuAcc: 'GpuAcc (Mali GPU)', CpuRef: 'CpuRef (reference)' }, hint: 'Arm NN only', testId: 'bench-armnn-backend' },
      report: { label: 'backend' },
    },
  },
});
