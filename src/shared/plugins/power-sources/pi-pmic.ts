import { meterOptions } from './meter-options';
import { definePowerSource } from './power-source';

export const piPmicPowerSource = definePowerSource({
  name: 'pi-pmic',
  label: 'Raspberry Pi 5 PMIC',
  description: "Raspberry Pi 5's PMIC ADC through 'vcgencmd pmic_read_adc': each rail's current times its voltage, summed.",
  targetKinds: ['ssh'],
  measures: 'power',
  rails: 'every PMIC rail with a current and a voltage reading (EXT5V_V and BATT_V have no current and are left out)',
  engine: { kind: 'bench' },
  ...meterOptions({ intervalMs: { default: 100, min: 20, hint: 'The pause between two vcgencmd pmic_read_adc calls' }, idleMs: 2000 }),
});
