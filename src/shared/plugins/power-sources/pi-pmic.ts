import { z } from 'zod';
import { definePowerSource } from './power-source';

export const piPmicPowerSource = definePowerSource({
  name: 'pi-pmic',
  label: 'Raspberry Pi 5 PMIC',
  description: "Raspberry Pi 5's PMIC ADC through 'vcgencmd pmic_read_adc': each rail's current times its voltage, summed.",
  targetKinds: ['ssh'],
  measures: 'power',
  rails: 'every PMIC rail with a current and a voltage reading (EXT5V_V and BATT_V have no current and are left out)',
  engine: {
    kind: 'parser',
    limitation: "vcgencmd pmic_read_adc output is parsed (src/core/power/pi-pmic.ts), but edgebench does not yet poll it on an SSH board around a cell",
  },
  options: z.object({}),
  optionSpecs: {},
});
