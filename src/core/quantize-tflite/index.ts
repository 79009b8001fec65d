/**
 * The TFLite quantizer: `quantizeTflite(model, options)` picks the mode's implementation (types.ts
 * is the interface both share). dynamic and fp16 are weight-only (weight-only.ts); int8 is full
 * integer with calibration (full-int8.ts), loaded only when asked for.
 */
import { quantizeTfliteWeightOnly } from './weight-only';
import { TfliteQuantRefusal, type QuantizeTfliteFullInt8, type TfliteQuantOptions, type TfliteQuantResult } from './types';

export * from './types';
export { quantizeTfliteWeightOnly } from './weight-only';

export async function quantizeTflite(model: Uint8Array, options: TfliteQuantOptions): Promise<TfliteQuantResult> {
  if (options.mode === 'int8') {
    const fullInt8 = await loadFullInt8();
    return fullInt8(model, { ...options, mode: 'int8' });
  }
  if (options.io !== undefined) {
    throw new TfliteQuantRefusal(`The I/O type (${options.io}) only applies to full-integer int8 mode; a ${options.mode} variant keeps float32 inputs and outputs, so leave it out.`);
  }
  if (options.calibration !== undefined) {
    throw new TfliteQuantRefusal(`Calibration data only applies to full-integer int8 mode; a ${options.mode} variant quantizes weights only, so leave it out.`);
  }
  return quantizeTfliteWeightOnly(model, { ...options, mode: options.mode });
}

/** Whether full-integer mode is built (it is another helper's part; until it lands the int8 mode says so). */
export async function fullInt8Available(): Promise<boolean> {
  return (await loadFullInt8().catch(() => undefined)) !== undefined;
}

async function loadFullInt8(): Promise<QuantizeTfliteFullInt8> {
  // A variable specifier keeps the type checker from requiring the file before it exists.
  const specifier = './full-int8';
  const loaded = (await import(/* @vite-ignore */ specifier).catch(() => undefined)) as { quantizeTfliteFullInt8?: QuantizeTfliteFullInt8 } | undefined;
  if (loaded?.quantizeTfliteFullInt8 === undefined) {
    throw new TfliteQuantRefusal('Full-integer int8 quantization of TFLite models is not available in this build yet; make a dynamic or fp16 variant instead.');
  }
  return loaded.quantizeTfliteFullInt8;
}
