import { describe, expect, test } from 'vitest';
import { cpuFeaturesFromCpuinfo, probeLocalHardware } from '../../../src/core/targets/local-target';
import { HardwareProfile } from '../../../src/shared/run-schema';

describe('local hardware profile', () => {
  test('probes this machine into a valid profile', () => {
    const hardware = HardwareProfile.parse(probeLocalHardware());
    expect(hardware.cores).toBeGreaterThan(0);
    expect(hardware.memoryBytes).toBeGreaterThan(0);
    expect(hardware.cpuModel).not.toBe('');
    expect(hardware.os).toContain(process.platform === 'linux' ? 'Linux' : '');
  });

  test('keeps only the x86 flags that matter for inference, in a stable order', () => {
    const cpuinfo = 'processor\t: 0\nflags\t\t: fpu sse sse2 avx2 avx fma amx_int8 avx512f ht avx512_vnni amx_tile\n';
    expect(cpuFeaturesFromCpuinfo(cpuinfo)).toEqual(['avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'amx_tile', 'amx_int8']);
  });

  test('reads Arm "Features" lines', () => {
    const cpuinfo = 'processor\t: 0\nFeatures\t: fp asimd evtstrm aes crc32 asimdhp asimddp i8mm bf16\nCPU implementer\t: 0x41\n';
    expect(cpuFeaturesFromCpuinfo(cpuinfo)).toEqual(['asimd', 'asimddp', 'asimdhp', 'i8mm', 'bf16']);
  });

  test('a cpuinfo without flags gives no features', () => {
    expect(cpuFeaturesFromCpuinfo('processor : 0\n')).toEqual([]);
  });
});
