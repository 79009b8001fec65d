/**
 * The general TFLite decode → encode round trip (tflite-model.ts) on files we did not write: the
 * demo and MediaPipe's models from npm. The independent reader is flatc (Debian's
 * flatbuffers-compiler) with TFLite's schema: the JSON of the original and of the re-encoded file
 * must be equal, buffer contents included (their byte layout may differ; flatc prints contents).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTfliteModel, encodeTfliteModelFile } from '../../../src/core/formats/tflite/tflite-model';

const root = join(import.meta.dirname, '..', '..', '..');
// flatc 2.0.8 cannot parse `(deprecated)` after an enum value or a union member (one of each in this
// schema, as scripts/gen-tflite.mjs explains): a copy without those two attributes, nothing else.
const schema = join(mkdtempSync(join(tmpdir(), 'edgebench-tflite-schema-')), 'schema.fbs');
writeFileSync(
  schema,
  readFileSync(join(root, 'scripts/schemas/tflite/schema.fbs'), 'utf8')
    .replace(/(REDUCE_WINDOW = 205)\s*\(deprecated\)/, '$1')
    .replace(/^(\s*ReduceWindowOptions)\s*\(deprecated\),/m, '$1,'),
);
const models = [
  'resources/models/demo-mnist.tflite',
  'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite',
  'node_modules/@mediapipe/hands/hand_landmark_lite.tflite',
  'node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite',
  'node_modules/@mediapipe/pose/pose_landmark_lite.tflite',
].map((p) => join(root, p));
const dir = mkdtempSync(join(tmpdir(), 'edgebench-tflite-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function flatcJson(file: string, out: string): unknown {
  execFileSync('flatc', ['--json', '--strict-json', '--defaults-json', '--raw-binary', '-o', out, schema, '--', file], { stdio: 'pipe' });
  return JSON.parse(readFileSync(join(out, `${basename(file).replace(/\.tflite$/, '')}.json`), 'utf8')) as unknown;
}

describe('TFLite decode → encode round trip, checked by flatc', () => {
  for (const model of models) {
    it(`${basename(model)}: flatc reads the re-encoded file as the original`, () => {
      const bytes = new Uint8Array(readFileSync(model));
      const reencoded = encodeTfliteModelFile(decodeTfliteModel(bytes, basename(model)));
      const copy = join(dir, basename(model));
      writeFileSync(copy, reencoded);
      const out = mkdtempSync(join(dir, 'json-'));
      expect(flatcJson(copy, mkdtempSync(join(dir, 'b-')))).toEqual(flatcJson(model, out));
    }, 60_000);
  }

  it('a truncated file is refused in one sentence, not a crash', () => {
    const bytes = new Uint8Array(readFileSync(models[0] as string)).subarray(0, 200);
    expect(() => decodeTfliteModel(bytes, 'cut.tflite')).toThrow(/cut\.tflite/);
  });
});
