/**
 * An image folder: one sub-folder per class (class names sorted), each holding PNG or JPEG files;
 * or a folder of images only, which makes an unlabeled dataset. Images are decoded, converted
 * to gray or RGB (gray when the recipe asks for gray, or when it names no channel order and
 * every image is gray: a grayscale set stays one channel, and evaluation widens it to three only
 * for a model that takes three), resized when the recipe says so, and stored as uint8 [C, H, W].
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import { say, worded } from '../../../shared/remedies';
import { assertNotSpecialFile } from '../../file-kind';
import { resolveRecipe } from '../dataset-manifest';
import { convertChannels, decodeImage, resizePlanes } from '../image-ops';
import type { DatasetImporter, DatasetImportOptions } from './importer';
import type { ImportedData } from '../stored-dataset';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

function isImageName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

async function listFolder(dir: string): Promise<{ dirs: string[]; images: string[] }> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new StudioError('BAD_INPUT', `The folder '${dir}' cannot be read (${(error as Error).message}).`, { path: dir });
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    dirs: entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byName),
    images: entries.filter((e) => e.isFile() && isImageName(e.name)).map((e) => e.name).sort(byName),
  };
}

interface Listed {
  file: string;
  label: number | null;
}

async function listImages(root: string): Promise<{ files: Listed[]; classes: string[] }> {
  const top = await listFolder(root);
  if (top.dirs.length === 0) {
    if (top.images.length === 0) {
      throw new StudioError(
        'BAD_INPUT',
        `The folder '${root}' has no class sub-folders and no PNG or JPEG images; put each class's images in a sub-folder named after the class.`,
        { path: root },
      );
    }
    return { files: top.images.map((name) => ({ file: path.join(root, name), label: null })), classes: [] };
  }
  if (top.images.length > 0) {
    throw new StudioError(
      'BAD_INPUT',
      `The image '${path.join(root, top.images[0] as string)}' sits beside the class folders of '${root}', so its class is unknown; move it into its class's sub-folder or remove it.`,
      { path: root },
    );
  }
  const files: Listed[] = [];
  for (const [label, className] of top.dirs.entries()) {
    const classDir = path.join(root, className);
    const { images } = await listFolder(classDir);
    if (images.length === 0) {
      throw new StudioError(
        'BAD_INPUT',
        `The class folder '${classDir}' has no PNG or JPEG images; add its images or remove the folder.`,
        { path: classDir },
      );
    }
    for (const name of images) files.push({ file: path.join(classDir, name), label });
  }
  return { files, classes: top.dirs };
}

async function readImageFolder(root: string, options: DatasetImportOptions): Promise<ImportedData> {
  const preprocessing = options.preprocessing ?? {};
  const { files, classes } = await listImages(root);
  const gray = preprocessing.channelOrder === 'gray';
  // No channel order asked: colour is stored as RGB, and a set whose every image is gray as one channel (decided at the end).
  const mayStayGray = preprocessing.channelOrder === undefined;
  let allGray = mayStayGray;
  const channels = gray ? 1 : 3;
  // The recipe's channel order still applies at evaluation time; stored images are gray or RGB.
  const recipe = resolveRecipe({ ...preprocessing, channelOrder: gray ? 'gray' : 'RGB' }, [channels, 1, 1]);

  let width = recipe.resize?.width ?? 0;
  let height = recipe.resize?.height ?? 0;
  let first = '';
  let samples = new Uint8Array(0);
  for (const [index, { file }] of files.entries()) {
    let bytes: Buffer;
    await assertNotSpecialFile(file, 'The image');
    try {
      bytes = await fs.readFile(file);
    } catch (error) {
      throw new StudioError('BAD_INPUT', `The image '${file}' cannot be read (${(error as Error).message}).`, { file });
    }
    const image = decodeImage(bytes, file);
    if (index === 0) {
      if (!recipe.resize) ({ width, height } = image);
      first = file;
      samples = new Uint8Array(files.length * channels * width * height);
    } else if (!recipe.resize && (image.width !== width || image.height !== height)) {
      throw new StudioError(
        'BAD_INPUT',
        worded`The image '${file}' is ${image.width}×${image.height} but '${first}' is ${width}×${height}; images must share one size, so ${say(`pass a resize in the preprocessing recipe (e.g. --resize ${width}x${height})`, `resize them to one size (e.g. ${width}×${height}) before importing, or import the folder with edgebench dataset import on the command line, which can resize them`)}.`,
        { file },
      );
    }
    const pixels = image.width * image.height;
    if (allGray) allGray = isGray(image.rgb, pixels);
    let planes = convertChannels(Float32Array.from(image.rgb), 3, pixels, gray ? 'gray' : 'RGB');
    if (recipe.resize && (image.width !== width || image.height !== height)) {
      planes = resizePlanes(planes, channels, image.height, image.width, recipe.resize);
    }
    const offset = index * channels * width * height;
    for (let i = 0; i < planes.length; i++) samples[offset + i] = Math.min(255, Math.max(0, Math.round(planes[i] as number)));
  }
  const labeled = classes.length > 0;
  const keptGray = mayStayGray && allGray;
  return {
    name: options.name ?? path.basename(path.resolve(root)),
    source: `image folder '${path.basename(path.resolve(root))}' (${files.length} images${labeled ? `, ${classes.length} classes` : ', unlabeled'}${keptGray ? ', grayscale' : ''})`,
    sampleShape: [keptGray ? 1 : channels, height, width],
    samples: keptGray ? firstPlanes(samples, files.length, width * height) : samples,
    labels: labeled ? Int32Array.from(files, (f) => f.label ?? 0) : null,
    classes,
    preprocessing,
  };
}

/** Whether R = G = B at every pixel of decoded planes (a gray PNG or JPEG decodes so). */
function isGray(rgb: Uint8Array, pixels: number): boolean {
  for (let i = 0; i < pixels; i++) {
    const r = rgb[i];
    if (rgb[pixels + i] !== r || rgb[2 * pixels + i] !== r) return false;
  }
  return true;
}

/** The first (R) plane of each RGB sample: all three are equal for a gray set. */
function firstPlanes(samples: Uint8Array, count: number, pixels: number): Uint8Array {
  const out = new Uint8Array(count * pixels);
  for (let s = 0; s < count; s++) out.set(samples.subarray(s * 3 * pixels, s * 3 * pixels + pixels), s * pixels);
  return out;
}

export const imageFolderImporter: DatasetImporter = {
  kind: 'image-folder',
  description: 'a folder with one sub-folder of PNG/JPEG images per class (or images only, unlabeled)',
  match: (_source, isDirectory) => isDirectory,
  read: readImageFolder,
};
