/**
 * The packed-asset reader the real-model table's packed rows use (test/helpers/packed-assets.ts):
 * MediaPipe's hands bundle lists its palm detectors by byte range, the slices are TFLite files,
 * and a loader whose offsets do not match its bundle fails in one sentence instead of handing a
 * test a few shifted megabytes.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packedFileBytes, packedFiles } from '../helpers/packed-assets';
import { repoRoot } from '../helpers/run-cli';

const bundle = path.join(repoRoot, 'node_modules/@mediapipe/hands/hands_solution_packed_assets.data');
const dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-packed-assets-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('packed assets of an npm package', () => {
  it("lists the files of @mediapipe/hands' bundle and slices out TFLite files, by the loader's offsets", () => {
    expect(packedFiles(bundle).map((f) => [path.basename(f.filename), f.end - f.start])).toEqual([
      ['handedness.txt', 11],
      ['palm_detection_full.tflite', 2_341_280],
      ['palm_detection_lite.tflite', 1_985_440],
    ]);
    const lite = packedFileBytes(bundle, 'palm_detection_lite.tflite');
    expect(new TextDecoder().decode(lite.subarray(4, 8))).toBe('TFL3');
    expect(lite.byteLength).toBe(1_985_440);
  });

  it('refuses a loader whose offsets do not match its bundle, and a name the bundle does not hold', () => {
    const copy = path.join(dir, 'hands_solution_packed_assets.data');
    copyFileSync(bundle, copy);
    const loader = readFileSync(bundle.replace(/\.data$/, '_loader.js'), 'utf8');
    writeFileSync(copy.replace(/\.data$/, '_loader.js'), loader.replace('"start": 2341291', '"start": 2341290'));
    expect(() => packedFileBytes(copy, 'palm_detection_lite.tflite')).toThrow(/^palm_detection_lite\.tflite at bytes 2341290\.\.4326731 of .* does not carry TFLite's file identifier TFL3: the loader's offsets do not match the bundle\.$/);
    expect(() => packedFileBytes(bundle, 'pose_detection.tflite')).toThrow(/holds no pose_detection\.tflite; it holds handedness\.txt, palm_detection_full\.tflite, palm_detection_lite\.tflite\.$/);
  });
});
