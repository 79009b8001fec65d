/**
 * Runs an uploaded .tflite for the simulated board through the LiteRT runtime module
 * (src/core/runner/runtimes/litert.ts): the bytes go to a temporary file, which LiteRT.js
 * compiles; inputs are built from the raw bytes the host sent, outputs copied back as bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@litertjs/core';
import { StudioError } from '../../../../shared/errors';
import { openLiteRtModel, runLiteRtOnce, type LiteRtModel } from '../../../runner/runtimes/litert';
import { int8ToAdapterUint8 } from '../../../runner/runtimes/litert-int8-io';

export interface InvokerTensor {
  name: string;
  dtype: string;
  shape: number[];
}

export class LiteRtInvoker {
  private constructor(private readonly model: LiteRtModel, private readonly folder: string) {}

  static async open(model: Uint8Array): Promise<LiteRtInvoker> {
    const folder = mkdtempSync(join(tmpdir(), 'edgebench-sim-'));
    const path = join(folder, 'uploaded.tflite');
    writeFileSync(path, model);
    try {
      return new LiteRtInvoker(await openLiteRtModel(path, 1), folder);
    } catch (error) {
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }

  /** How LiteRT.js loaded the model, when not as it is (int8 inputs and outputs through the uint8 adapter, litert-int8-io.ts). */
  get notes(): readonly string[] {
    return this.model.notes;
  }

  get inputNames(): string[] {
    return this.model.inputs.map((input) => input.name);
  }

  /**
   * `count` invokes on the given input bytes (in model input order); `each` gets every invoke's
   * host time. Resolves with the last invoke's outputs as bytes.
   */
  async invoke(inputs: Uint8Array[], count: number, each: (hostUs: number) => Promise<void>): Promise<Uint8Array[]> {
    const tensors: Tensor[] = [];
    try {
      this.model.inputs.forEach((spec, i) => tensors.push(this.tensor(spec, inputs[i] ?? new Uint8Array(0))));
      let outputs: Uint8Array[] = [];
      for (let i = 0; i < count; i += 1) {
        const start = process.hrtime.bigint();
        const values = await runLiteRtOnce(this.model, tensors);
        const hostUs = Number(process.hrtime.bigint() - start) / 1000;
        outputs = values.map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice());
        await each(hostUs);
      }
      return outputs;
    } finally {
      for (const tensor of tensors) tensor.delete();
    }
  }

  release(): void {
    this.model.compiled.delete();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private tensor(spec: { name: string; dtype: string; shape: number[] }, bytes: Uint8Array): Tensor {
    const shape = spec.shape.map((dim) => (dim < 0 ? 1 : dim));
    const copy = bytes.slice().buffer;
    const { Tensor: TensorClass } = this.model.library;
    switch (spec.dtype) {
      case 'float32':
        return new TensorClass(new Float32Array(copy), shape);
      case 'int32':
        return new TensorClass(new Int32Array(copy), shape);
      case 'uint8':
        return new TensorClass(new Uint8Array(copy), shape);
      case 'int8':
        // The board takes the model's int8 bytes; the compiled copy takes them as uint8 (+128) through its adapter.
        return new TensorClass(int8ToAdapterUint8(new Int8Array(copy)), shape);
      default:
        throw new StudioError('RUNTIME', `Input '${spec.name}' is ${spec.dtype}; the simulated board runs models through LiteRT.js, which feeds only float32, int32, uint8 and (through a uint8 adapter) int8 inputs.`, {
          input: spec.name,
        });
    }
  }
}
