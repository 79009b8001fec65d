import { meterOptions } from './meter-options';
import { definePowerSource } from './power-source';

export const tegrastatsPowerSource = definePowerSource({
  name: 'tegrastats',
  label: 'Jetson tegrastats',
  description: "NVIDIA Jetson's tegrastats power rails: VDD_IN (the module's input, Orin and Xavier) or POM_5V_IN (Jetson Nano, TX1).",
  targetKinds: ['ssh'],
  measures: 'power',
  rails: 'VDD_IN (Orin, Xavier), POM_5V_IN (Nano)',
  engine: { kind: 'bench' },
  ...meterOptions({ intervalMs: { default: 100, min: 10, hint: "tegrastats' --interval" }, idleMs: 2000 }),
});
