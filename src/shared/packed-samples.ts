/**
 * A run's raw latencies on the wire: the IEEE-754 doubles themselves, little-endian, in base64,
 * instead of a JSON array of decimal numbers.
 *
 * Why: a run of 100,000 samples is 1.9 MB of JSON whose numbers cost the server ~9 ms to print and
 * the page ~5 ms to read back, per run; the same doubles are 1.07 MB of base64 that both ends turn
 * into bytes in about a millisecond (bench:ui, Compare of three such runs). The encoding is exact
 * (every bit of every double survives, as JSON's shortest round-trip decimals do), and it is a zod
 * codec in the contract, so the wire form is typed and checked, and callers only ever see `number[]`.
 */
import { z } from 'zod';
import { LatencyStats, RunFile } from './run-schema';

/** The one encoding so far; named on the wire so a later one can be added beside it. */
export const SAMPLES_ENCODING = 'f64le-base64';

/** What crosses the transport in place of `latencyMs.samples`. */
export const PackedSamplesWire = z.object({
  encoding: z.literal(SAMPLES_ENCODING),
  /** How many doubles `data` holds: the decoded byte length must be exactly 8 × count. */
  count: z.number().int().min(0),
  /** base64 (RFC 4648, with padding) of count little-endian float64 values. */
  data: z.string(),
});
export type PackedSamplesWire = z.infer<typeof PackedSamplesWire>;

function isFiniteNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (const sample of value) if (typeof sample !== 'number' || !Number.isFinite(sample)) return false;
  return true;
}

/**
 * Samples as RunFile's schema takes them (z.number() refuses NaN and ±Infinity), checked in one
 * plain loop: zod's per-element array check costs several ms per 100,000 samples in the page.
 */
const FiniteSamples = z.custom<number[]>(isFiniteNumberArray, { message: 'Every latency sample must be a finite number.' });

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Two base64 characters (as two ASCII bytes in one little-endian uint16) for each 12-bit value. */
let pairTable: Uint16Array | null = null;

/**
 * base64 of bytes. Hand-written because the runtimes that encode (the server on Node 20, Electron's
 * main process) have no Uint8Array.prototype.toBase64, src/shared may not use Node's Buffer, and btoa
 * or base64-js took 20–40 ms for 800 KB here; this takes about one. Uses toBase64 where it exists.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  return bytesToBase64Portable(bytes);
}

/** The portable encoder bytesToBase64 falls back to (exported so that tests can check it against Node's own). */
export function bytesToBase64Portable(bytes: Uint8Array): string {
  if (pairTable === null) {
    pairTable = new Uint16Array(4096);
    for (let i = 0; i < 4096; i++) pairTable[i] = ALPHABET.charCodeAt(i >> 6) | (ALPHABET.charCodeAt(i & 63) << 8);
  }
  const pairs = pairTable;
  const whole = bytes.length - (bytes.length % 3);
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  // Four characters per three bytes, written as one uint32: the pairs are laid out little-endian,
  // so a big-endian machine writes them byte by byte instead.
  const quads = LITTLE_ENDIAN ? new Uint32Array(out.buffer) : null;
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const triple = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const high = pairs[triple >> 12] ?? 0;
    const low = pairs[triple & 4095] ?? 0;
    if (quads) quads[o >> 2] = high | (low << 16);
    else {
      out[o] = high & 255;
      out[o + 1] = high >> 8;
      out[o + 2] = low & 255;
      out[o + 3] = low >> 8;
    }
    o += 4;
  }
  const rest = bytes.length - whole;
  if (rest > 0) {
    const triple = ((bytes[whole] ?? 0) << 16) | (rest === 2 ? (bytes[whole + 1] ?? 0) << 8 : 0);
    out[o] = ALPHABET.charCodeAt(triple >> 18);
    out[o + 1] = ALPHABET.charCodeAt((triple >> 12) & 63);
    out[o + 2] = rest === 2 ? ALPHABET.charCodeAt((triple >> 6) & 63) : 0x3d;
    out[o + 3] = 0x3d;
  }
  // Every byte is ASCII, so latin1 gives one character per byte.
  return new TextDecoder('latin1').decode(out);
}

/** Bytes of base64 text; throws on a character outside the alphabet (Uint8Array.fromBase64 in the page, atob elsewhere). */
export function base64ToBytes(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
  if (typeof native === 'function') return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function packSamples(samples: readonly number[]): PackedSamplesWire {
  const doubles = new Float64Array(samples.length);
  if (LITTLE_ENDIAN) doubles.set(samples);
  else {
    const view = new DataView(doubles.buffer);
    samples.forEach((sample, i) => view.setFloat64(i * 8, sample, true));
  }
  return { encoding: SAMPLES_ENCODING, count: samples.length, data: bytesToBase64(new Uint8Array(doubles.buffer)) };
}

/** The samples of a packed form; throws a sentence naming what is wrong with it. */
export function unpackSamples(wire: PackedSamplesWire): number[] {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(wire.data);
  } catch {
    throw new Error('The packed latency samples are not valid base64.');
  }
  if (bytes.length !== wire.count * 8) {
    throw new Error(`The packed latency samples hold ${bytes.length} bytes, not the ${wire.count * 8} that ${wire.count} samples take.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const doubles = LITTLE_ENDIAN && bytes.byteOffset % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset, wire.count) : null;
  // A plain loop, not Array.from: Chromium's Array.from over a typed array took ~10 ms for 100,000.
  const samples = new Array<number>(wire.count);
  for (let i = 0; i < wire.count; i++) samples[i] = doubles ? (doubles[i] ?? 0) : view.getFloat64(i * 8, true);
  return samples;
}

/** `latencyMs.samples` on the wire: packed there, `number[]` on both sides of it. */
export const PackedSamples = z.codec(PackedSamplesWire, FiniteSamples, {
  decode: (wire, ctx) => {
    try {
      return unpackSamples(wire);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: wire });
      return [];
    }
  },
  encode: (samples) => packSamples(samples),
});

const LatencyStatsOnWire = LatencyStats.extend({ samples: PackedSamples });

/** A run file as it crosses the transport: RunFile's fields, with latencyMs.samples packed. */
export type RunFileOnWireInput = Omit<z.input<typeof RunFile>, 'latencyMs'> & { latencyMs: z.input<typeof LatencyStatsOnWire> };

/**
 * A run file as `runs.get` carries it: RunFile with its samples packed. Decoding (parse) gives a
 * RunFile; encoding (encode) checks a RunFile and packs it. safeExtend keeps RunFile's refinement
 * (a partial run says why it stopped); its types only take a field whose input type is unchanged,
 * so the one replaced field is cast, and the whole is typed by what it reads and gives.
 */
export const RunFileOnWire = RunFile.safeExtend({
  latencyMs: LatencyStatsOnWire as unknown as typeof LatencyStats,
}) as unknown as z.ZodType<RunFile, RunFileOnWireInput>;
