/**
 * The TFLite quantizer: `quantizeTflite(model, options)` picks the mode's implementation (types.ts
 * is the interface both share). dynamic and fp16 are weight-only (weight-only.ts); int8 is full
 * integer with calibration (full-int8.ts).
 */
import { quantizeTfliteFullInt8 } from './full-int8';
import { quantizeTfliteWeightOnly } from './weight-only';
import { TfliteQuantRefusal, type TfliteQuantOptions, type TfliteQuantResult } from './types';

export * from './types';
export { quantizeTfliteWeightOnly } from './weight-only';

export async function quantizeTflite(model: Uint8Array, options: TfliteQuantOptions): Promise<TfliteQuantResult> {
  if (options.mode === 'int8') {
    return quantizeTfliteFullInt8(model, { ...options, mode: 'int8' });
  }
  if (options.io !== undefined) {
    throw new TfliteQuantRefusal(`The I/O type (${options.io}) only applies to full-integer int8 mode; a ${options.mode} variant keeps float32 inputs and outputs, so leave it out.`);
  }
  if (options.calibration !== undefined) {
    throw new TfliteQuantRefusal(`Calibration data only applies to full-integer int8 mode; a ${options.mode} variant quantizes weights only, so leave it out.`);
  }
  return quantizeTfliteWeightOnly(model, { ...options, mode: options.mode });
}
