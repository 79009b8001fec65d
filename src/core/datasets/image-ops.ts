/**
 * Pixel operations on channels-first planes ([C, H, W], row-major), shared by the image
 * importer (which stores uint8 results) and by evaluation-time preprocessing (floats).
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { StudioError } from '../../shared/errors';
import type { ChannelOrder, ResizeSpec } from '../../shared/preprocessing';

/** ITU-R BT.601 luma weights, the ones PIL's convert('L') and OpenCV's RGB2GRAY use. */
const LUMA = [0.299, 0.587, 0.114] as const;

/** Refuse images that would take more memory than this to decode (about 16k × 16k pixels). */
const MAX_IMAGE_MEGAPIXELS = 256;

export interface DecodedImage {
  width: number;
  height: number;
  /** Three planes R, G, B (alpha dropped), each height × width. */
  rgb: Uint8Array;
}

/** Decodes a PNG or JPEG by its first bytes; anything else or a damaged file is BAD_INPUT naming it. */
export function decodeImage(bytes: Uint8Array, name: string): DecodedImage {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    if (isPng) decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    else if (isJpeg) {
      decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_MEGAPIXELS });
    } else throw new Error(bytes.length === 0 ? 'the file is empty' : 'it is neither PNG nor JPEG');
  } catch (error) {
    throw new StudioError(
      'BAD_INPUT',
      `The image '${name}' cannot be read (${(error as Error).message}); replace it with a valid PNG or JPEG, or remove it.`,
      { file: name },
    );
  }
  const pixels = decoded.width * decoded.height;
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    rgb[i] = decoded.data[i * 4] as number;
    rgb[pixels + i] = decoded.data[i * 4 + 1] as number;
    rgb[2 * pixels + i] = decoded.data[i * 4 + 2] as number;
  }
  return { width: decoded.width, height: decoded.height, rgb };
}

/**
 * Resamples each plane to the requested size with half-pixel centres (source x = (x + 0.5)·in/out − 0.5),
 * as OpenCV's INTER_LINEAR and TF's resize(half_pixel_centers=True) do; no antialiasing when shrinking.
 * Nearest picks floor((x + 0.5)·in/out).
 */
export function resizePlanes(
  planes: ArrayLike<number>,
  channels: number,
  inHeight: number,
  inWidth: number,
  resize: ResizeSpec,
): Float32Array {
  const { width: outWidth, height: outHeight } = resize;
  const out = new Float32Array(channels * outHeight * outWidth);
  const scaleX = inWidth / outWidth;
  const scaleY = inHeight / outHeight;
  const inPlane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;
  if (resize.method === 'nearest') {
    const xs = Array.from({ length: outWidth }, (_, x) => Math.min(inWidth - 1, Math.floor((x + 0.5) * scaleX)));
    const ys = Array.from({ length: outHeight }, (_, y) => Math.min(inHeight - 1, Math.floor((y + 0.5) * scaleY)));
    for (let c = 0; c < channels; c++)
      for (let y = 0; y < outHeight; y++)
        for (let x = 0; x < outWidth; x++) {
          out[c * outPlane + y * outWidth + x] = planes[c * inPlane + (ys[y] as number) * inWidth + (xs[x] as number)] as number;
        }
    return out;
  }
  const taps = (outSize: number, inSize: number, scale: number): { lo: number; hi: number; frac: number }[] =>
    Array.from({ length: outSize }, (_, o) => {
      const s = Math.min(inSize - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const lo = Math.floor(s);
      return { lo, hi: Math.min(lo + 1, inSize - 1), frac: s - lo };
    });
  const xTaps = taps(outWidth, inWidth, scaleX);
  const yTaps = taps(outHeight, inHeight, scaleY);
  for (let c = 0; c < channels; c++) {
    const base = c * inPlane;
    for (let y = 0; y < outHeight; y++) {
      const ty = yTaps[y] as { lo: number; hi: number; frac: number };
      for (let x = 0; x < outWidth; x++) {
        const tx = xTaps[x] as { lo: number; hi: number; frac: number };
        const at = (yy: number, xx: number): number => planes[base + yy * inWidth + xx] as number;
        const top = at(ty.lo, tx.lo) + (at(ty.lo, tx.hi) - at(ty.lo, tx.lo)) * tx.frac;
        const bottom = at(ty.hi, tx.lo) + (at(ty.hi, tx.hi) - at(ty.hi, tx.lo)) * tx.frac;
        out[c * outPlane + y * outWidth + x] = top + (bottom - top) * ty.frac;
      }
    }
  }
  return out;
}

/** Converts 1- or 3-channel planes (stored gray or RGB) to the channel order a model wants. */
export function convertChannels(planes: Float32Array, channels: number, pixels: number, order: ChannelOrder): Float32Array {
  if (channels === 1) {
    if (order === 'gray') return planes;
    const out = new Float32Array(3 * pixels);
    for (let c = 0; c < 3; c++) out.set(planes.subarray(0, pixels), c * pixels);
    return out;
  }
  if (order === 'RGB') return planes;
  if (order === 'BGR') {
    const out = new Float32Array(3 * pixels);
    for (let c = 0; c < 3; c++) out.set(planes.subarray((2 - c) * pixels, (3 - c) * pixels), c * pixels);
    return out;
  }
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    out[i] =
      LUMA[0] * (planes[i] as number) + LUMA[1] * (planes[pixels + i] as number) + LUMA[2] * (planes[2 * pixels + i] as number);
  }
  return out;
}
