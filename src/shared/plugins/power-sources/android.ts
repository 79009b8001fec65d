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
    limitation:
      "the meter reads an Android device's rails or battery through 'adb shell' (src/core/power/adb-shell.ts), but the adb target does not yet start it around benchmark_model's timed runs",
  },
  options: z.object({}),
  optionSpecs: {},
});
