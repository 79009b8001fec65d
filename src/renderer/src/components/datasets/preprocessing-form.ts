/**
 * The Datasets page's preprocessing form as text fields, and the recipe they make: pure, so the
 * parsing is tested without a page. The engine checks the recipe against the samples again
 * (datasets.setPreprocessing refuses what does not fit, in one sentence).
 */
import type { ChannelOrder, InputDtype, Layout, StoredPreprocessing } from '../../../../shared/preprocessing';

export interface PreprocessingForm {
  resize: boolean;
  width: string;
  height: string;
  method: 'bilinear' | 'nearest';
  /** '' keeps the stored channels (gray stays gray, colour RGB). */
  channelOrder: ChannelOrder | '';
  layout: Layout;
  scale: string;
  /** One number, or one per channel, comma-separated. */
  mean: string;
  std: string;
  dtype: InputDtype;
}

export type FormField = 'width' | 'height' | 'scale' | 'mean' | 'std';

/** 1/255 shows as a fraction, as the user would type it; other scales as numbers. */
function scaleText(scale: number | undefined): string {
  if (scale === undefined || scale === 1) return '1';
  const inverse = 1 / scale;
  return Math.abs(inverse - Math.round(inverse)) < 1e-9 ? `1/${Math.round(inverse)}` : String(scale);
}

export function formFromRecipe(stored: StoredPreprocessing, sampleShape: readonly number[]): PreprocessingForm {
  return {
    resize: stored.resize !== undefined,
    width: String(stored.resize?.width ?? sampleShape[2] ?? ''),
    height: String(stored.resize?.height ?? sampleShape[1] ?? ''),
    method: stored.resize?.method ?? 'bilinear',
    channelOrder: stored.channelOrder ?? '',
    layout: stored.layout ?? 'NCHW',
    scale: scaleText(stored.scale),
    mean: (stored.mean ?? [0]).join(', '),
    std: (stored.std ?? [1]).join(', '),
    dtype: stored.dtype ?? 'float32',
  };
}

/** "1/255", "0.5", "2e-3": a finite number, or null. */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  const fraction = /^(-?[\d.]+(?:e-?\d+)?)\s*\/\s*([\d.]+(?:e-?\d+)?)$/i.exec(trimmed);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : trimmed === '' ? Number.NaN : Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

function parseList(text: string): number[] | null {
  const parts = text.split(/[,\s]+/).filter((part) => part !== '');
  const values = parts.map(parseNumber);
  return values.length > 0 && values.every((value) => value !== null) ? (values as number[]) : null;
}

export type FormResult = { ok: true; recipe: StoredPreprocessing } | { ok: false; field: FormField; message: string };

/** The recipe the form says, or the first field that is not usable with what to type. */
export function recipeFromForm(form: PreprocessingForm, image: boolean): FormResult {
  const recipe: StoredPreprocessing = {};
  if (image && form.resize) {
    const width = Number(form.width);
    const height = Number(form.height);
    if (!Number.isInteger(width) || width < 1) return { ok: false, field: 'width', message: 'Width must be a whole number of pixels, e.g. 224.' };
    if (!Number.isInteger(height) || height < 1) return { ok: false, field: 'height', message: 'Height must be a whole number of pixels, e.g. 224.' };
    recipe.resize = { width, height, method: form.method };
  }
  if (image && form.channelOrder !== '') recipe.channelOrder = form.channelOrder;
  if (image) recipe.layout = form.layout;
  const scale = parseNumber(form.scale);
  if (scale === null || scale === 0) return { ok: false, field: 'scale', message: 'Scale must be a number other than 0, e.g. 1/255 or 0.00392.' };
  recipe.scale = scale;
  const mean = parseList(form.mean);
  if (mean === null) return { ok: false, field: 'mean', message: 'Mean must be one number, or one per channel separated by commas, e.g. 0.485, 0.456, 0.406.' };
  recipe.mean = mean;
  const std = parseList(form.std);
  if (std === null || std.some((value) => value === 0)) {
    return { ok: false, field: 'std', message: 'Std must be one number other than 0, or one per channel separated by commas, e.g. 0.229, 0.224, 0.225.' };
  }
  recipe.std = std;
  recipe.dtype = form.dtype;
  return { ok: true, recipe };
}
