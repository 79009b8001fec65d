import { meterOptions } from './meter-options';
import { definePowerSource } from './power-source';

export const androidPowerSource = definePowerSource({
  name: 'android',
  label: 'Android power rails / battery',
  description:
    "An Android device's on-device power monitor rails (iio energy_value, where the SoC has one, as Tensor Pixels do; adb's shell may read them after 'adb root' on a userdebug or eng build), else the battery's current_now × voltage_now, the run saying which.",
  targetKinds: ['adb'],
  measures: 'power',
  rails: 'ODPM rails where present, else the battery (power_supply current_now × voltage_now)',
  engine: { kind: 'bench' },
  ...meterOptions({ intervalMs: { default: 100, min: 20, hint: 'The pause between two readings of the rails or the battery' }, idleMs: 2000 }),
});
