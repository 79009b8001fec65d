/**
 * Power meters' RECORDED output (test/fixtures/power/README.md says whose and where): tegrastats
 * from a Jetson Orin Nano, Nano and TX2, vcgencmd pmic_read_adc from two Raspberry Pi 5s, and an
 * Android phone's ODPM energy_value and battery uevent, parsed into what the energy arithmetic
 * takes; the expected figures are the recordings' own numbers worked out by hand.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { odpmTrace, parseOdpmEnergy, parsePowerSupplyUevent } from '../../../src/core/power/android-power';
import { counterEnergyJ, energyPerInference } from '../../../src/core/power/energy-math';
import { parsePmicReadAdc } from '../../../src/core/power/pi-pmic';
import { parseTegrastatsLine, tegrastatsPower } from '../../../src/core/power/tegrastats';

const recorded = (name: string): string => readFileSync(path.join(__dirname, '../../fixtures/power', name), 'utf8');

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return '(no error)';
}

describe('tegrastats (recorded)', () => {
  it("follows VDD_IN on an Orin Nano (JetPack 6: timestamp, mW units), not RAM's or SWAP's used/total", () => {
    const rails = parseTegrastatsLine(recorded('tegrastats-orin-nano.txt'));
    expect([...rails]).toEqual([
      ['VDD_IN', 5704],
      ['VDD_CPU_GPU_CV', 831],
      ['VDD_SOC', 1624],
    ]);
    const power = tegrastatsPower(recorded('tegrastats-orin-nano.txt'), 100);
    expect(power.rail).toBe('VDD_IN');
    expect(power.samples).toEqual([{ tMs: 0, watts: 5.704 }]);
  });

  it("follows POM_5V_IN on a Nano (bare mW) and VDD_IN on a TX2", () => {
    expect(tegrastatsPower(recorded('tegrastats-nano.txt'), 1000)).toMatchObject({ rail: 'POM_5V_IN', samples: [{ tMs: 0, watts: 2.003 }], railsSeen: ['POM_5V_IN', 'POM_5V_GPU', 'POM_5V_CPU'] });
    expect(tegrastatsPower(recorded('tegrastats-tx2.txt'), 1000)).toMatchObject({ rail: 'VDD_IN', samples: [{ tMs: 0, watts: 3.14 }] });
  });

  it('integrates the recorded lines as consecutive samples at the interval tegrastats was given', () => {
    // The three boards' lines one after another at 500 ms: a constructed sequence of recorded lines, VDD_IN where present.
    const output = [recorded('tegrastats-orin-nano.txt'), recorded('tegrastats-tx2.txt'), recorded('tegrastats-orin-nano.txt')].join('');
    const power = tegrastatsPower(output, 500);
    expect(power.samples.map((s) => s.tMs)).toEqual([0, 500, 1000]);
    const energy = energyPerInference({
      source: 'tegrastats',
      method: 'sampled',
      rails: [power.rail],
      window: 'measured',
      idle: { method: 'sampled', samples: power.samples.map((s) => ({ ...s, watts: 3 })) },
      load: { method: 'sampled', samples: power.samples },
      inferences: 100,
    });
    // Trapezoid: (5.704 + 3.14)/2 × 0.5 + (3.14 + 5.704)/2 × 0.5 = 4.422 J; minus 3 W × 1 s; over 100.
    expect(energy.load.energyJ).toBeCloseTo(4.422, 9);
    expect(energy.perInferenceJ).toBeCloseTo(0.01422, 9);
    expect(energy.reliable).toBe(false);
    expect(energy.notes[0]).toMatch(/Only 3 meter readings fell in the timed runs; at least 5 are needed/);
  });

  it('says to run tegrastats as root when its output has no rails, and names the rails when the wanted one is missing', () => {
    expect(message(() => tegrastatsPower('RAM 2461/7620MB (lfb 3x2MB) CPU [19%@729]\n', 1000))).toBe(
      "tegrastats printed no power rails in 1 lines: run it as root ('sudo tegrastats'), as some Jetson images show the rails to root only.",
    );
    expect(message(() => tegrastatsPower(recorded('tegrastats-nano.txt'), 1000, 'VDD_IN'))).toBe(
      'tegrastats reports no VDD_IN rail on this board; it reports POM_5V_IN, POM_5V_GPU, POM_5V_CPU: name the one to use.',
    );
  });
});

describe('vcgencmd pmic_read_adc (recorded, Raspberry Pi 5)', () => {
  it('sums current × voltage over the twelve rails with both, leaving out EXT5V_V and BATT_V', () => {
    const idle = parsePmicReadAdc(recorded('pi5-pmic-idle.txt'));
    expect(idle.rails).toHaveLength(12);
    expect(idle.rails.map((r) => r.name)).not.toContain('EXT5V');
    expect(idle.rails.find((r) => r.name === 'VDD_CORE')?.watts).toBeCloseTo(0.56259 * 0.7679846, 12);
    expect(idle.watts).toBeCloseTo(1.76670653643166, 9);
    const load = parsePmicReadAdc(recorded('pi5-pmic-load.txt'));
    expect(load.watts).toBeCloseTo(5.921612227144821, 9);
    expect(load.rails.find((r) => r.name === 'VDD_CORE')?.currentA).toBe(5.03652);
  });

  it('says what to do when the command has no PMIC rails', () => {
    expect(message(() => parsePmicReadAdc('error=1 error_msg="Command not registered"\n'))).toMatch(/^vcgencmd pmic_read_adc printed no rail with both a current and a voltage: this is not a Raspberry Pi 5/);
  });
});

describe('Android (recorded)', () => {
  it("reads a Pixel 6's ODPM energy_value: its time and each rail's µJ since boot", () => {
    const reading = parseOdpmEnergy(recorded('android-odpm-pixel6.txt'));
    expect(reading.tMs).toBe(349894);
    expect(reading.rails.size).toBe(8);
    expect(reading.rails.get('S4M_VDD_CPUCL0')).toBe(46356942);
    expect(reading.rails.get('S10M_VDD_TPU')).toBe(5578756);
  });

  it('turns two ODPM readings into a counter trace the energy arithmetic takes', () => {
    const first = parseOdpmEnergy(recorded('android-odpm-pixel6.txt'));
    // A second reading 2 s later, constructed by the test: CPU cluster 0 up 1.5 J, the TPU up 0.5 J.
    const second = { tMs: first.tMs + 2000, rails: new Map(first.rails) };
    second.rails.set('S4M_VDD_CPUCL0', 46356942 + 1_500_000);
    second.rails.set('S10M_VDD_TPU', 5578756 + 500_000);
    expect(counterEnergyJ(odpmTrace([first, second], ['S4M_VDD_CPUCL0', 'S10M_VDD_TPU']))).toBeCloseTo(2, 9);
    expect(message(() => odpmTrace([first], ['VSYS_PWR_DISPLAY']))).toMatch(/^ODPM reading at t=349894 has no rail 'VSYS_PWR_DISPLAY'; it has S10M_VDD_TPU, /);
  });

  it("reads a Mi 6's battery monitor uevent: |current_now| × voltage_now", () => {
    const battery = parsePowerSupplyUevent(recorded('android-bms-uevent-mi6.txt'));
    expect(battery.currentA).toBeCloseTo(1.202147, 12);
    expect(battery.voltageV).toBeCloseTo(4.13744, 12);
    expect(battery.watts).toBeCloseTo(4.97381108368, 9);
  });

  it('says where to look when a file is not what it should be', () => {
    expect(message(() => parseOdpmEnergy('POWER_SUPPLY_NAME=bms\n'))).toMatch(/^This is not an ODPM energy_value file/);
    expect(message(() => parsePowerSupplyUevent('POWER_SUPPLY_NAME=usb\nPOWER_SUPPLY_ONLINE=1\n'))).toMatch(/^This power_supply uevent has no POWER_SUPPLY_CURRENT_NOW/);
  });
});
