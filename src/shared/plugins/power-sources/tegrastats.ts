import { z } from 'zod';
import { definePowerSource } from './power-source';

export const tegrastatsPowerSource = definePowerSource({
  name: 'tegrastats',
  label: 'Jetson tegrastats',
  description: "NVIDIA Jetson's tegrastats power rails: VDD_IN (the module's input, Orin and Xavier) or POM_5V_IN (Jetson Nano, TX1).",
  targetKinds: ['ssh'],
  measures: 'power',
  rails: 'VDD_IN (Orin, Xavier), POM_5V_IN (Nano)',
  engine: {
    kind: 'parser',
    limitation: "tegrastats output is parsed (src/core/power/tegrastats.ts), but edgebench does not yet start tegrastats on an SSH board around a cell",
  },
  options: z.object({}),
  optionSpecs: {},
});
