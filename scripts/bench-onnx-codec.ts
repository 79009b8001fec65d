/**
 * Speed of the generated ONNX codec on a large model built here (300 MatMul layers of 1 MiB
 * weights, 315 MB) and on a model of many small nodes (100,000 Relus): decode, inspect (decode +
 * counts + MAC estimate) and encode, median of 5 rounds. The figures decided that the studio keeps
 * no hand-written zero-copy reader beside the generated decoder: on these two models the old one
 * (onnx-model.ts, removed) took 2–11 ms and 226–437 ms where the generated decoder took 0.6–6.7 ms
 * and 113–269 ms (this machine, same run).
 *
 *   npx tsx scripts/bench-onnx-codec.ts
 */
import { cpus } from 'node:os';
import { decodeModelProto, encodeModelProto } from '../src/core/formats/onnx/onnx-codec';
import { readOnnx } from '../src/core/formats/onnx/onnx-reader';
import { encodeOnnxModel, type OnnxModelSpec, type OnnxNodeSpec, type OnnxTensorSpec } from '../src/core/formats/onnx/onnx-writer';
import { medianOf } from '../src/shared/numeric/quantile';

function largeModel(): Uint8Array {
  const width = 512;
  const initializers: OnnxTensorSpec[] = [];
  const nodes: OnnxNodeSpec[] = [];
  let previous = 'x';
  for (let i = 0; i < 300; i += 1) {
    initializers.push({ name: `w${i}`, dims: [width, width], dataType: 'FLOAT', data: new Float32Array(width * width).fill(0.001) });
    nodes.push({ opType: 'MatMul', name: `mm${i}`, inputs: [previous, `w${i}`], outputs: [`h${i}`] });
    nodes.push({ opType: 'Relu', name: `relu${i}`, inputs: [`h${i}`], outputs: [`a${i}`] });
    previous = `a${i}`;
  }
  return encodeOnnxModel(spec(initializers, nodes, width, previous));
}

function manyNodes(): Uint8Array {
  const nodes: OnnxNodeSpec[] = [];
  let previous = 'x';
  for (let i = 0; i < 100_000; i += 1) {
    nodes.push({ opType: 'Relu', name: `relu_node_${i}`, inputs: [previous], outputs: [`act_${i}`] });
    previous = `act_${i}`;
  }
  return encodeOnnxModel(spec([], nodes, 8, previous));
}

function spec(initializers: OnnxTensorSpec[], nodes: OnnxNodeSpec[], width: number, output: string): OnnxModelSpec {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'bench',
    producerVersion: '0',
    graphName: 'g',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, width] }],
    outputs: [{ name: output, elemType: 'FLOAT', shape: [1, width] }],
    initializers,
    nodes,
  };
}

/** The median time of five calls of `run`, in ms. */
function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return medianOf(times);
}

console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'}; Node ${process.version}`);
for (const [label, bytes] of [['300 MatMuls, 1 MiB weights each', largeModel()], ['100,000 Relu nodes', manyNodes()]] as const) {
  const model = decodeModelProto(bytes);
  console.log(
    `${label} (${(bytes.byteLength / 1e6).toFixed(1)} MB): decode ${median(() => decodeModelProto(bytes)).toFixed(1)} ms, ` +
      `inspect ${median(() => readOnnx({ name: 'bench.onnx', data: bytes })).toFixed(1)} ms, encode ${median(() => encodeModelProto(model)).toFixed(1)} ms`,
  );
}
