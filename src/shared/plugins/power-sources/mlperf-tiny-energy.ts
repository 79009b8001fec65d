import { z } from 'zod';
import { definePowerSource } from './power-source';

export const mlperfTinyEnergySource = definePowerSource({
  name: 'mlperf-tiny-energy',
  label: 'MLPerf Tiny EnergyRunner',
  description: "MLPerf Tiny's energy mode: the board behind an IO manager and a power monitor (an Arduino IO manager and a Joulescope or LPM01A), driven by EEMBC's EnergyRunner.",
  targetKinds: ['serial'],
  measures: 'energy',
  rails: "the device under test's supply, as the EnergyRunner's power monitor measures it",
  engine: {
    kind: 'parser',
    limitation:
      "edgebench does not drive the EnergyRunner set-up (its IO manager and power monitor speak their own protocols through EEMBC's GUI): the serial target runs MLPerf Tiny's performance mode, and an EnergyRunner session's files (log.txt, results.txt, trace1-energy.bin, trace1-timestamps.json) are imported into a run's energy (src/core/power/energyrunner.ts)",
  },
  options: z.object({}),
  optionSpecs: {},
});
