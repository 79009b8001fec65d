/**
 * Every power source, one line each. PowerSourceName is derived from these keys; the engine's
 * halves (src/core/power/) are typed by it. Only sources whose engine kind is 'bench' can be
 * given to `edgebench bench --energy`; the others parse a meter's output (see each descriptor).
 */
import { z } from 'zod';
import { defineRegistry, registryNames } from '../plugin';
import { androidPowerSource } from './android';
import { mlperfTinyEnergySource } from './mlperf-tiny-energy';
import { piPmicPowerSource } from './pi-pmic';
import { raplPowerSource } from './rapl';
import { tegrastatsPowerSource } from './tegrastats';

export type { PowerSourceDescriptor, PowerSourceWords } from './power-source';
export { definePowerSource } from './power-source';

export const POWER_SOURCES = defineRegistry({
  rapl: raplPowerSource,
  tegrastats: tegrastatsPowerSource,
  'pi-pmic': piPmicPowerSource,
  android: androidPowerSource,
  'mlperf-tiny-energy': mlperfTinyEnergySource,
});

export const PowerSourceName = z.enum(registryNames(POWER_SOURCES));
export type PowerSourceName = z.infer<typeof PowerSourceName>;

/** What `--energy` alone means: the registry's first, RAPL on this computer. */
export const DEFAULT_POWER_SOURCE: PowerSourceName = 'rapl';
