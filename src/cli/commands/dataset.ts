import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { ChannelOrder, InputDtype, Layout, type StoredPreprocessing } from '../../shared/preprocessing';
import { DATASET_IMPORTERS, importDataset, type DatasetImportOptions } from '../../core/datasets/import-dataset';
import { flagBool, flagString, formatHelp, parseArgs, type FlagSpecs, type ParsedArgs } from '../args';
import type { CommandIo } from '../io';

const importFlags: FlagSpecs = {
  out: { kind: 'string', valueName: 'DIR', help: 'Write the stored dataset (dataset.json + data files) into this folder.' },
  name: { kind: 'string', valueName: 'NAME', help: "Display name (default: the source's file or folder name)." },
  resize: { kind: 'string', valueName: 'WxH', help: 'Images: resample to this size, e.g. 224x224 (bilinear).' },
  'channel-order': { kind: 'choice', choices: ChannelOrder.options, help: 'Images: the channels the model wants (default: as stored).' },
  layout: { kind: 'choice', choices: Layout.options, help: 'Images: where the channel axis goes in model inputs (default NCHW).' },
  scale: { kind: 'string', valueName: 'S', help: 'Multiply every value first, e.g. 1/255 or 0.0039 (default 1).' },
  mean: { kind: 'string', valueName: 'a[,b,c]', help: 'Subtract after scaling: one value, or one per channel (default 0).' },
  std: { kind: 'string', valueName: 'a[,b,c]', help: 'Then divide by: one value, or one per channel (default 1).' },
  dtype: { kind: 'choice', choices: InputDtype.options, help: 'Element type of model inputs (default float32).' },
  'samples-key': { kind: 'string', valueName: 'K', help: '.npz: the samples array (default: x, X, images, data, ...).' },
  'labels-key': { kind: 'string', valueName: 'K', help: '.npz: the labels array (default: y, Y, labels, ...).' },
  labels: { kind: 'string', valueName: 'FILE', help: '.npy: the labels array file (without it, an unlabeled dataset).' },
  'label-column': { kind: 'string', valueName: 'C', help: 'CSV: the label column, by header name or 0-based index (default: the last).' },
  'no-labels': { kind: 'boolean', help: '.npz/CSV: import without labels (fidelity can still be measured); an .npz with several arrays becomes one array per model input, for calibrating a model with several inputs.' },
  classes: { kind: 'string', valueName: 'a,b,...', help: 'Class names for numeric labels, in label order (default 0, 1, ...).' },
  overwrite: { kind: 'boolean', help: 'Replace a dataset already in --out.' },
  json: { kind: 'boolean', help: "Print the dataset's manifest as JSON only." },
  help: { kind: 'boolean', help: 'Show this help.' },
};

const importUsage =
  'edgebench dataset import SOURCE --out DIR [--name N] [--resize WxH] [--channel-order RGB|BGR|gray] [--layout NCHW|NHWC] ' +
  '[--scale S] [--mean a,b,c] [--std a,b,c] [--samples-key K] [--labels-key K] [--no-labels] [--label-column C]';

const importHelp = formatHelp(
  importUsage,
  [
    'Imports a dataset for evaluation and calibration, storing its preprocessing recipe with it. SOURCE is:',
    ...DATASET_IMPORTERS.map((importer) => `  - ${importer.description}`),
    'Preprocessing applies in this order: resize, channel order, scale, (value - mean) / std, dtype, layout.',
  ].join('\n'),
  importFlags,
);

export const datasetHelp = `Usage: edgebench dataset import SOURCE --out DIR [FLAGS]\n\nSubcommands:\n  import    Import an image folder, .npy, .npz or CSV as a dataset.\n\n${importHelp}`;

export async function datasetCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(datasetHelp);
    return 0;
  }
  if (sub !== 'import') {
    throw new StudioError('BAD_INPUT', `Unknown subcommand '${sub}' for 'edgebench dataset'; use 'edgebench dataset import SOURCE --out DIR'.`, { subcommand: sub });
  }
  return importCommand(rest, io);
}

async function importCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('dataset import', argv, importFlags);
  if (flagBool(args, 'help')) {
    io.out(importHelp);
    return 0;
  }
  const [source, ...extra] = args.positionals;
  if (source === undefined) {
    throw new StudioError('BAD_INPUT', "edgebench dataset import needs a SOURCE, e.g. 'edgebench dataset import ./images --out ./datasets/images'.");
  }
  if (extra.length > 0) {
    throw new StudioError('BAD_INPUT', `edgebench dataset import takes one SOURCE, but was also given '${extra[0]}'; import one source at a time.`);
  }
  const out = flagString(args, 'out');
  if (out === undefined) {
    throw new StudioError('BAD_INPUT', 'edgebench dataset import needs --out DIR, the folder to write the dataset into.', { flag: 'out' });
  }
  const manifest = await importDataset(source, path.resolve(out), importOptions(args));
  if (flagBool(args, 'json')) {
    io.out(JSON.stringify(manifest, null, 2));
    return 0;
  }
  const labels = manifest.classes.length > 0 && manifest.files.labels !== undefined ? `${manifest.classes.length} classes` : 'no labels';
  if (manifest.arrays) {
    // One array per model input: each as saved (first axis = samples; a 0-d array or a first axis of 1 is shared by every sample).
    const arrays = manifest.arrays.map((a) => `'${a.name}' [${a.shape.join(',')}] ${a.dtype}`).join(', ');
    io.out(`Imported '${manifest.name}': ${manifest.samples} samples, one array per model input (${arrays}), ${labels}, into ${out}.`);
    return 0;
  }
  io.out(`Imported '${manifest.name}': ${manifest.samples} samples of [${manifest.sampleShape.join(',')}] ${manifest.dtype}, ${labels}, into ${out}.`);
  return 0;
}

function importOptions(args: ParsedArgs): DatasetImportOptions {
  const options: DatasetImportOptions = { preprocessing: preprocessingOf(args), overwrite: flagBool(args, 'overwrite') };
  const name = flagString(args, 'name');
  if (name !== undefined) options.name = name;
  const samplesKey = flagString(args, 'samples-key');
  if (samplesKey !== undefined) options.samplesKey = samplesKey;
  const labelsFile = flagString(args, 'labels');
  if (labelsFile !== undefined) options.labelsFile = labelsFile;
  const classes = flagString(args, 'classes');
  if (classes !== undefined) options.classes = classes.split(',').map((c) => c.trim());
  const labelsKey = flagString(args, 'labels-key');
  const labelColumn = flagString(args, 'label-column');
  if (flagBool(args, 'no-labels')) {
    const clash = labelsKey !== undefined ? '--labels-key' : labelColumn !== undefined ? '--label-column' : labelsFile !== undefined ? '--labels' : null;
    if (clash !== null) throw new StudioError('BAD_INPUT', `--no-labels and ${clash} contradict each other; pass one of them.`, { flag: 'no-labels' });
    options.labelsKey = null;
    options.labelColumn = null;
  } else {
    if (labelsKey !== undefined) options.labelsKey = labelsKey;
    if (labelColumn !== undefined) options.labelColumn = /^\d+$/.test(labelColumn) ? Number(labelColumn) : labelColumn;
  }
  return options;
}

function preprocessingOf(args: ParsedArgs): StoredPreprocessing {
  const recipe: StoredPreprocessing = {};
  const resize = flagString(args, 'resize');
  if (resize !== undefined) {
    const match = /^(\d+)x(\d+)$/i.exec(resize.trim());
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
      throw new StudioError('BAD_INPUT', `--resize expects WIDTHxHEIGHT in pixels (e.g. --resize 224x224), got '${resize}'.`, { flag: 'resize' });
    }
    recipe.resize = { width: Number(match[1]), height: Number(match[2]), method: 'bilinear' };
  }
  const channelOrder = flagString(args, 'channel-order');
  if (channelOrder !== undefined) recipe.channelOrder = channelOrder as ChannelOrder;
  const layout = flagString(args, 'layout');
  if (layout !== undefined) recipe.layout = layout as Layout;
  const dtype = flagString(args, 'dtype');
  if (dtype !== undefined) recipe.dtype = dtype as InputDtype;
  const scale = flagString(args, 'scale');
  if (scale !== undefined) recipe.scale = parseScale(scale);
  const mean = flagString(args, 'mean');
  if (mean !== undefined) recipe.mean = parseNumbers('mean', mean);
  const std = flagString(args, 'std');
  if (std !== undefined) {
    recipe.std = parseNumbers('std', std);
    if (recipe.std.includes(0)) throw new StudioError('BAD_INPUT', `--std must not contain 0 (values are divided by it), got '${std}'.`, { flag: 'std' });
  }
  return recipe;
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i;

/** A number, or a fraction such as 1/255 (the usual way to write the 0..255 → 0..1 scale). */
function parseScale(raw: string): number {
  const [top, bottom, ...more] = raw.split('/').map((part) => part.trim());
  const value = bottom === undefined ? Number(top) : Number(top) / Number(bottom);
  if (more.length > 0 || !NUMBER.test(top ?? '') || (bottom !== undefined && !NUMBER.test(bottom)) || !Number.isFinite(value)) {
    throw new StudioError('BAD_INPUT', `--scale expects a number or a fraction (e.g. --scale 1/255), got '${raw}'.`, { flag: 'scale' });
  }
  return value;
}

function parseNumbers(flag: string, raw: string): number[] {
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.some((part) => !NUMBER.test(part))) {
    throw new StudioError('BAD_INPUT', `--${flag} expects numbers separated by commas (e.g. --${flag} 0.485,0.456,0.406), got '${raw}'.`, { flag });
  }
  return parts.map(Number);
}
