// Runs ONNX models on one input with onnxruntime-node and prints each model's first output as
// base64 float32 (JSON on stdout). weight-range-vnni.test.ts spawns it natively and under
// `qemu-x86_64 -cpu Haswell` (AVX2 without VNNI): plain JavaScript, no TypeScript loader, so the
// emulated run stays at a few seconds.
//   node run-on-cpu.mjs DIR     DIR/manifest.json: { "input": { "name", "dims" }, "models": ["a.onnx", ...] }, DIR/input.bin
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const dir = process.argv[2];
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
const raw = readFileSync(path.join(dir, 'input.bin'));
const input = new ort.Tensor('float32', new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), manifest.input.dims);
const out = {};
for (const file of manifest.models) {
  const session = await ort.InferenceSession.create(path.join(dir, file), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const result = await session.run({ [manifest.input.name]: input });
  const first = result[session.outputNames[0]].data;
  out[file] = Buffer.from(first.buffer, first.byteOffset, first.byteLength).toString('base64');
  await session.release();
}
process.stdout.write(JSON.stringify(out));
