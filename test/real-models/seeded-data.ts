/**
 * The one generator of seeded model inputs for the real-model checks (the table's quantize rows,
 * test/unit/quantize's real-model tests and scripts/quantize-real-models.ts): each input is drawn
 * from a named recipe, data a table row states, so the inputs are what the model's own application
 * would feed it rather than noise it never sees. The same seed gives the same values; the float
 * model and its variant get the same feeds, and a calibration set (an .npz with one array per
 * model input, named after it) is drawn from the same recipes with another seed.
 */
import { zipSync } from 'fflate';
import ort from 'onnxruntime-node';
import { z } from 'zod';
import { encodeNpy } from '../../src/core/datasets/npy-format';
import type { CalibrationData } from '../../src/core/quantize';
import { seededRandom } from '../../src/core/runner/input-data';

/** How one model input is drawn. */
export const InputRecipe = z.discriminatedUnion('recipe', [
  /** Floats uniform in [low, high). */
  z.object({ recipe: z.literal('uniform'), range: z.tuple([z.number(), z.number()]) }).strict(),
  /** Whole numbers uniform in [low, high) (any integer dtype). */
  z.object({ recipe: z.literal('integers'), range: z.tuple([z.number().int(), z.number().int()]) }).strict(),
  /** 0 and 1 with equal odds (bool inputs). */
  z.object({ recipe: z.literal('coin') }).strict(),
  /** Every element this value (a sample rate, a trip count). */
  z.object({ recipe: z.literal('constant'), value: z.number() }).strict(),
  /** Every element 0: the initial recurrent state real callers pass. */
  z.object({ recipe: z.literal('zeros') }).strict(),
  /**
   * A gray page of dark strokes shaped like glyphs on white ([N, C, H, W]): one text line when the
   * image is at most 64 px high (a recognizer's crop), lines of 16 px glyphs otherwise (a page for a
   * detector). Pixels 0..255 become (p / 255 − mean[c]) / std[c], as the model's project normalizes.
   */
  z.object({ recipe: z.literal('text-image'), mean: z.array(z.number()).min(1), std: z.array(z.number()).min(1) }).strict(),
  /**
   * Speech-like audio in [−1, 1] along the last axis at `sampleRate` Hz: voiced syllables (a
   * gliding pitch of 100–220 Hz with its harmonics under two formants, a 4 Hz syllable envelope)
   * over a quiet noise floor, starting at a seeded point of the utterance.
   */
  z.object({ recipe: z.literal('speech'), sampleRate: z.number().int().positive() }).strict(),
  /**
   * A plain photo-like scene ([N, H, W, C] for 'nhwc', [N, C, H, W] for 'nchw'): a two-colour
   * gradient background under 3–7 soft-edged, overlapping ellipses of random colour, with a little
   * sensor noise; smooth regions and edges, as a camera frame has and uniform noise has not.
   * Colours 0..1 become low + (high − low) × value.
   */
  z.object({ recipe: z.literal('scene'), layout: z.enum(['nhwc', 'nchw']), range: z.tuple([z.number(), z.number()]) }).strict(),
  /** Normal values with this mean and standard deviation, clipped at ±4 deviations. */
  z.object({ recipe: z.literal('normal'), mean: z.number(), std: z.number().positive() }).strict(),
]);
export type InputRecipe = z.infer<typeof InputRecipe>;

/** One concrete model input: its name, element type, every dim fixed, and its recipe. */
export interface ConcreteInput {
  name: string;
  dtype: string;
  shape: number[];
  recipe: InputRecipe;
}

type Values = Float32Array | BigInt64Array | Int32Array | Uint8Array;

function elements(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** The recipe of an input a row does not name: uniform [0, 1) floats, integers 0..9 (as the studio's runners draw), coin-flip bools. */
export function defaultRecipe(dtype: string): InputRecipe {
  if (dtype === 'bool') return { recipe: 'coin' };
  if (dtype.startsWith('int') || dtype.startsWith('uint')) return { recipe: 'integers', range: [0, 10] };
  return { recipe: 'uniform', range: [0, 1] };
}

/** True when every sample of the recipe is the same (a calibration set then stores it once). */
export function isShared(recipe: InputRecipe): boolean {
  return recipe.recipe === 'constant' || recipe.recipe === 'zeros';
}

/** Values of one sample as float numbers, before they are cast to the input's dtype. */
function drawNumbers(recipe: InputRecipe, shape: readonly number[], random: () => number): Float64Array {
  const count = elements(shape);
  switch (recipe.recipe) {
    case 'uniform': {
      const [low, high] = recipe.range;
      return Float64Array.from({ length: count }, () => low + (high - low) * random());
    }
    case 'integers': {
      const [low, high] = recipe.range;
      return Float64Array.from({ length: count }, () => low + Math.floor((high - low) * random()));
    }
    case 'coin':
      return Float64Array.from({ length: count }, () => (random() < 0.5 ? 0 : 1));
    case 'constant':
      return new Float64Array(count).fill(recipe.value);
    case 'zeros':
      return new Float64Array(count);
    case 'normal':
      return Float64Array.from({ length: count }, () => recipe.mean + recipe.std * Math.max(-4, Math.min(4, gaussian(random))));
    case 'text-image':
      return textImage(recipe, shape, random);
    case 'speech':
      return speech(recipe.sampleRate, shape, random);
    case 'scene':
      return scene(recipe, shape, random);
  }
}

/** A standard normal value (Box–Muller). */
function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function textImage(recipe: Extract<InputRecipe, { recipe: 'text-image' }>, shape: readonly number[], random: () => number): Float64Array {
  if (shape.length !== 4) throw new Error(`The text-image recipe draws [N, C, H, W] images, not shape [${shape.join(', ')}].`);
  const [batch = 1, channels = 3, height = 1, width = 1] = shape;
  const out = new Float64Array(elements(shape));
  const plane = height * width;
  for (let n = 0; n < batch; n += 1) {
    const page = new Float64Array(plane).fill(235 + 20 * random());
    const lineHeight = height <= 64 ? Math.max(8, Math.round(height * 0.6)) : 16;
    const lineStep = height <= 64 ? height : lineHeight + 8 + Math.floor(random() * 10);
    for (let top = height <= 64 ? Math.floor((height - lineHeight) / 2) : 6 + Math.floor(random() * 10); top + lineHeight <= height; top += lineStep) {
      const glyph = Math.round(lineHeight * 0.8);
      for (let left = 4 + Math.floor(random() * 8); left + glyph < width; left += glyph + 2 + Math.floor(random() * 3)) {
        if (random() < 0.12) {
          left += glyph; // a space between words
          continue;
        }
        const ink = 20 + 60 * random();
        const stroke = Math.max(1, Math.round(glyph / 7));
        for (let s = 0, strokes = 2 + Math.floor(random() * 3); s < strokes; s += 1) {
          const horizontal = random() < 0.5;
          const at = Math.floor(random() * (glyph - stroke));
          const from = Math.floor(random() * glyph * 0.4);
          const to = glyph - Math.floor(random() * glyph * 0.4);
          for (let a = from; a < to; a += 1)
            for (let t = 0; t < stroke; t += 1) {
              const y = top + Math.round(((horizontal ? at + t : a) * lineHeight) / glyph);
              const x = left + (horizontal ? a : at + t);
              if (y < height && x < width) page[y * width + x] = ink;
            }
        }
      }
      if (height <= 64) break;
    }
    for (let c = 0; c < channels; c += 1) {
      const mean = recipe.mean[c] ?? recipe.mean[0] ?? 0;
      const std = recipe.std[c] ?? recipe.std[0] ?? 1;
      const base = (n * channels + c) * plane;
      for (let i = 0; i < plane; i += 1) out[base + i] = ((page[i] as number) / 255 - mean) / std;
    }
  }
  return out;
}

function scene(recipe: Extract<InputRecipe, { recipe: 'scene' }>, shape: readonly number[], random: () => number): Float64Array {
  if (shape.length !== 4) throw new Error(`The scene recipe draws 4-D images, not shape [${shape.join(', ')}].`);
  const nhwc = recipe.layout === 'nhwc';
  const [batch = 1] = shape;
  const [height = 1, width = 1, channels = 3] = nhwc ? shape.slice(1) : [shape[2], shape[3], shape[1]];
  const [low, high] = recipe.range;
  const out = new Float64Array(elements(shape));
  const colour = (): number[] => Array.from({ length: channels }, () => random());
  for (let n = 0; n < batch; n += 1) {
    const [from, to] = [colour(), colour()];
    const angle = 2 * Math.PI * random();
    const shapes = Array.from({ length: 3 + Math.floor(random() * 5) }, () => ({
      cx: random() * width,
      cy: random() * height,
      rx: (0.08 + 0.27 * random()) * width,
      ry: (0.08 + 0.27 * random()) * height,
      turn: Math.PI * random(),
      alpha: 0.6 + 0.4 * random(),
      colour: colour(),
    }));
    for (let y = 0; y < height; y += 1)
      for (let x = 0; x < width; x += 1) {
        const t = 0.5 + 0.5 * (((x / width - 0.5) * Math.cos(angle) + (y / height - 0.5) * Math.sin(angle)) / Math.SQRT1_2);
        const pixel = from.map((f, c) => f + ((to[c] as number) - f) * t);
        for (const e of shapes) {
          const [dx, dy] = [x - e.cx, y - e.cy];
          const u = (dx * Math.cos(e.turn) + dy * Math.sin(e.turn)) / e.rx;
          const v = (-dx * Math.sin(e.turn) + dy * Math.cos(e.turn)) / e.ry;
          // Inside where u² + v² < 1, with an edge about 1.5 px wide.
          const inside = 1 / (1 + Math.exp(((Math.sqrt(u * u + v * v) - 1) * Math.min(e.rx, e.ry)) / 1.5));
          const a = e.alpha * inside;
          for (let c = 0; c < channels; c += 1) pixel[c] = (pixel[c] as number) * (1 - a) + (e.colour[c] as number) * a;
        }
        for (let c = 0; c < channels; c += 1) {
          const value = Math.max(0, Math.min(1, (pixel[c] as number) + 0.01 * gaussian(random)));
          const at = nhwc ? ((n * height + y) * width + x) * channels + c : ((n * channels + c) * height + y) * width + x;
          out[at] = low + (high - low) * value;
        }
      }
  }
  return out;
}

function speech(sampleRate: number, shape: readonly number[], random: () => number): Float64Array {
  const length = shape[shape.length - 1] ?? 1;
  const rows = elements(shape) / Math.max(1, length);
  const out = new Float64Array(elements(shape));
  for (let r = 0; r < rows; r += 1) {
    const start = random() * 4 * sampleRate; // somewhere in a 4 s utterance
    const pitch = 100 + 120 * random();
    const formants = [500 + 400 * random(), 1200 + 1000 * random()];
    let phase = 0;
    for (let i = 0; i < length; i += 1) {
      const t = (start + i) / sampleRate;
      const f0 = pitch * (1 + 0.1 * Math.sin(2 * Math.PI * 0.7 * t));
      phase += (2 * Math.PI * f0) / sampleRate;
      let voiced = 0;
      for (let h = 1; h * f0 < sampleRate / 2 && h <= 30; h += 1) {
        const gain = formants.reduce((g, f) => g + 1 / (1 + ((h * f0 - f) / 150) ** 2), 0) / h;
        voiced += gain * Math.sin(h * phase);
      }
      const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t)) ** 2;
      const noise = 0.01 * gaussian(random);
      out[r * length + i] = Math.max(-1, Math.min(1, 0.35 * syllable * voiced + noise));
    }
  }
  return out;
}

/** One sample of one input, in the typed array of its dtype (bool as 0/1 bytes). */
export function drawInput(input: ConcreteInput, random: () => number): Values {
  const numbers = drawNumbers(input.recipe, input.shape, random);
  switch (input.dtype) {
    case 'float32':
      return Float32Array.from(numbers);
    case 'int64':
      return BigInt64Array.from(numbers, (v) => BigInt(Math.round(v)));
    case 'int32':
      return Int32Array.from(numbers, Math.round);
    case 'bool':
      return Uint8Array.from(numbers, (v) => (v !== 0 ? 1 : 0));
    default:
      throw new Error(`Input '${input.name}' has element type '${input.dtype}', which the real-model checks do not draw.`);
  }
}

/** One feed for the studio's quantizer (keyed by input name), as a calibration sample. */
export function seededFeed(inputs: readonly ConcreteInput[], seed: number): CalibrationData['inputs'][number] {
  const random = seededRandom(seed);
  return Object.fromEntries(inputs.map((input) => [input.name, { dims: [...input.shape], data: drawInput(input, random) }]));
}

/** onnxruntime feeds for one inference. */
export function seededFeeds(inputs: readonly ConcreteInput[], seed: number): Record<string, ort.Tensor> {
  return ortFeeds(seededFeed(inputs, seed));
}

/** onnxruntime tensors of a feed (Uint8Array data of a bool input stays bool). */
export function ortFeeds(feed: CalibrationData['inputs'][number], boolInputs: ReadonlySet<string> = new Set()): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(feed)) {
    const { data, dims } = tensor;
    if (data instanceof Float32Array) out[name] = new ort.Tensor('float32', data, dims);
    else if (data instanceof BigInt64Array) out[name] = new ort.Tensor('int64', data, dims);
    else if (data instanceof Int32Array) out[name] = new ort.Tensor('int32', data, dims);
    else if (data instanceof Uint8Array) out[name] = new ort.Tensor(boolInputs.has(name) ? 'bool' : 'uint8', data, dims);
    else throw new Error(`Feed '${name}' holds a ${data.constructor.name}, which the real-model checks do not feed.`);
  }
  return out;
}

const NPY_DESCR = { float32: '<f4', int64: '<i8', int32: '<i4', bool: '|b1' } as const;

/**
 * An .npz of `samples` samples as a user saves one for `edgebench dataset import`: one array per
 * input, named after it, shaped [samples, ...input shape]; an input every sample shares (a
 * constant, a zero state) is stored once, as a 0-d array for a scalar and with a first axis of 1
 * otherwise.
 */
export function calibrationNpz(inputs: readonly ConcreteInput[], samples: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const files: Record<string, Uint8Array> = {};
  for (const input of inputs) {
    const descr = NPY_DESCR[input.dtype as keyof typeof NPY_DESCR];
    if (!descr) throw new Error(`Input '${input.name}' has element type '${input.dtype}', which an .npz here cannot carry.`);
    const shared = isShared(input.recipe);
    const count = shared ? 1 : samples;
    const parts = Array.from({ length: count }, () => drawInput(input, random));
    const shape = shared && input.shape.length === 0 ? [] : [count, ...input.shape];
    files[`${input.name}.npy`] = encodeNpy(descr, shape, concat(parts));
  }
  return zipSync(files, { level: 0 });
}

function concat(parts: Values[]): Values {
  const first = parts[0] as Values;
  const Ctor = first.constructor as new (length: number) => Values;
  const out = new Ctor(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    (out as Float32Array).set(part as Float32Array, at);
    at += part.length;
  }
  return out;
}
