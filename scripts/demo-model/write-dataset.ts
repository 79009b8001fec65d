/** Writes a digit set in the edgebench.dataset/1 layout (dataset.json + raw uint8 samples and labels). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES, type Digits, IMAGE_SIDE } from './mnist-data';

export interface DatasetManifest {
  name: string;
  format: 'edgebench.dataset/1';
  samples: number;
  sampleShape: number[];
  dtype: 'uint8';
  classes: string[];
  /** Model input = sample × scale, in this layout. */
  preprocessing: { scale: number; layout: 'NCHW' };
  source: string;
  files: { samples: string; labels: string };
}

export function writeDigitDataset(dir: string, data: Digits, name: string, source: string): DatasetManifest {
  const manifest: DatasetManifest = {
    name,
    format: 'edgebench.dataset/1',
    samples: data.count,
    sampleShape: [1, IMAGE_SIDE, IMAGE_SIDE],
    dtype: 'uint8',
    classes: Array.from({ length: CLASSES }, (_, i) => String(i)),
    preprocessing: { scale: 1 / 255, layout: 'NCHW' },
    source,
    files: { samples: 'samples.u8', labels: 'labels.u8' },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, manifest.files.samples), data.pixels);
  writeFileSync(join(dir, manifest.files.labels), data.labels);
  writeFileSync(join(dir, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
