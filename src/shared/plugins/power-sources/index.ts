/**
 * Every power source, one line each: none yet. Issue 15 registers the first (see
 * docs/extending.md, "A power source"); PowerSourceName is derived from these keys once there is one.
 */
import type { PowerSourceDescriptor } from './power-source';

export type { PowerSourceDescriptor } from './power-source';
export { definePowerSource } from './power-source';

export const POWER_SOURCES: Readonly<Record<string, PowerSourceDescriptor>> = {};
