/**
 * Every serial device protocol, one line each. SerialProtocol is derived from these keys; the
 * engine's adapters (src/core/targets/serial/protocols.ts) are a table typed by it.
 */
import { z } from 'zod';
import { defineRegistry, registryNames } from '../plugin';
import { edgebenchProtocol } from './edgebench';
import { mlperfTinyProtocol } from './mlperf-tiny';

export type { SerialProtocolDescriptor } from './serial-protocol';

export const SERIAL_PROTOCOLS = defineRegistry({
  edgebench: edgebenchProtocol,
  'mlperf-tiny': mlperfTinyProtocol,
});

const names = registryNames(SERIAL_PROTOCOLS);
export const SerialProtocol = z.enum(names);
export type SerialProtocol = z.infer<typeof SerialProtocol>;

/** The registry's first: what a spec or a stored target without a protocol speaks. */
export const DEFAULT_SERIAL_PROTOCOL: SerialProtocol = names[0];
