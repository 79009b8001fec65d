/**
 * Raspberry Pi 5's `vcgencmd pmic_read_adc`: one line per ADC channel, a rail's current as
 * `NAME_A current(N)=0.56259000A` and its voltage as `NAME_V volt(M)=0.76798460V`. A rail's power is
 * its current × its voltage; the board's is their sum over the rails that have both (EXT5V_V, the
 * USB-C input, and BATT_V, the RTC battery, have a voltage only). The PMIC's own conversion losses
 * are not in the sum, so the figure is below what the supply delivers; it is not scaled by any
 * fitted factor (that would be an estimate).
 */
import { StudioError } from '../../shared/errors';

export interface PmicRail {
  name: string;
  currentA: number;
  voltageV: number;
  watts: number;
}

const LINE = /^\s*(\S+)_([AV]) (?:current|volt)\(\d+\)=([\d.]+)([AV])\s*$/;

export function parsePmicReadAdc(output: string): { rails: PmicRail[]; watts: number } {
  const currents = new Map<string, number>();
  const voltages = new Map<string, number>();
  for (const line of output.split('\n')) {
    const match = LINE.exec(line);
    if (match === null) continue;
    const [, name, kind, value] = match as unknown as [string, string, 'A' | 'V', string];
    (kind === 'A' ? currents : voltages).set(name, Number(value));
  }
  const rails = [...currents].flatMap(([name, currentA]) => {
    const voltageV = voltages.get(name);
    return voltageV === undefined ? [] : [{ name, currentA, voltageV, watts: currentA * voltageV }];
  });
  if (rails.length === 0) {
    throw new StudioError('BAD_INPUT', "vcgencmd pmic_read_adc printed no rail with both a current and a voltage: this is not a Raspberry Pi 5 (its PMIC has the ADC), or its firmware is too old; run 'sudo rpi-eeprom-update' and try again.");
  }
  return { rails, watts: rails.reduce((sum, rail) => sum + rail.watts, 0) };
}
