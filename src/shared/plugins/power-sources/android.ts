import { z } from 'zod';
import { definePowerSource } from './power-source';

export const androidPowerSource = definePowerSource({
  name: 'android',
  label: 'Android power rails / battery',
  description: "An Android device's on-device power monitor rails (iio energy_value, where the SoC has one), else the battery's current_now × voltage_now.",
  targetKinds: [],
  measures: 'power',
  rails: 'ODPM rails where present, else the battery (power_supply current_now × voltage_now)',
  engine: {
    kind: 'parser',
    limitation: 'Android power readings are parsed (src/core/power/android-power.ts); runs over adb do not read them yet',
  },
  options: z.object({}),
  optionSpecs: {},
});
