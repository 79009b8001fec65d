/**
 * The Targets and Devices pages' engine side: "This computer" plus the targets in targets.json,
 * session-only secrets (SSH passwords), accepted host keys, connection tests, and simulated
 * serial boards started for users without hardware.
 */
import type { EventName, EventPayload, SerialPortInfo, TargetEntry, TargetTestResult } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import type { HardwareProfile } from '../../shared/run-schema';
import { targetSpecOf, type SerialProtocol, type TargetConfig } from '../../shared/targets';
import { listSerialDevices } from '../targets/serial/discovery/list-ports';
import type { BoardSpawner } from '../targets/serial/simulator/board-spawner';
import { startSimulatorOnPty } from '../targets/serial/simulator/simulator-pty';
import { probeLocalHardware } from '../targets/local-target';
import { localPinning, THIS_COMPUTER, type LocalCpuMachine } from '../targets/local-pinning';
import { testTarget, type TargetContext } from '../targets/target-registry';
import { TargetsStore } from '../workspace/targets-store';
import type { JobTarget } from './bench-jobs';

/**
 * Why This computer cannot pin a benchmark to CPUs, or undefined where it can (Linux with taskset):
 * the bench form hides the CPUs field's input behind this sentence instead of letting every cell fail with it.
 */
export function localPinRefusal(machine: LocalCpuMachine = THIS_COMPUTER): string | undefined {
  try {
    // Off Linux any selection is refused, 'all' included: localPinning's own sentence.
    localPinning('all', machine);
  } catch (error) {
    if (error instanceof StudioError) return error.message;
    throw error;
  }
  if (machine.taskset() === null) return `${LOCAL_TARGET_NAME} has no taskset, which pins a benchmark to CPUs: install util-linux (sudo apt install util-linux), or leave the CPU selection out.`;
  return undefined;
}

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export const LOCAL_TARGET_NAME = 'This computer';

export class TargetService {
  readonly store: TargetsStore;
  /** SSH passwords given for this session; never written anywhere. */
  private readonly passwords = new Map<string, string>();
  /** What the last successful test found, shown until the next one. */
  private readonly hardware = new Map<string, HardwareProfile>();
  private readonly simulators: Array<{ stop(): Promise<void> }> = [];

  constructor(
    workspaceRoot: string,
    private readonly emit: Emit,
    /** Starts simulated boards' processes: an Electron utilityProcess in the desktop app; default a Node child (board-spawner.ts). */
    private readonly boardSpawner?: BoardSpawner,
  ) {
    this.store = new TargetsStore(workspaceRoot);
  }

  async list(): Promise<TargetEntry[]> {
    const cannotPin = localPinRefusal();
    const local: TargetEntry = { id: 'local', kind: 'local', name: LOCAL_TARGET_NAME, hardware: probeLocalHardware(), config: null, spec: 'local', ...(cannotPin !== undefined ? { cannotPin } : {}) };
    // A damaged targets.json is one of the workspace's problems (workspace.info), left alone; "This computer" still works.
    const read = await this.store.read();
    const stored = read.kind === 'ok' ? read.targets : [];
    return [local, ...stored.map((t) => this.entry(t.id, t.config))];
  }

  async add(config: TargetConfig): Promise<TargetEntry> {
    const stored = await this.store.add(config);
    this.emit('workspace.changed', { what: 'targets' });
    return this.entry(stored.id, stored.config);
  }

  async update(id: string, config: TargetConfig): Promise<TargetEntry> {
    const stored = await this.store.update(id, config);
    this.hardware.delete(id);
    this.emit('workspace.changed', { what: 'targets' });
    return this.entry(stored.id, stored.config);
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.store.remove(id);
    this.passwords.delete(id);
    this.hardware.delete(id);
    if (removed) this.emit('workspace.changed', { what: 'targets' });
    return removed;
  }

  async test(id: string, password: string | undefined, acceptHostKey: string | undefined): Promise<TargetTestResult> {
    const stored = await this.store.get(id);
    if (password !== undefined) this.passwords.set(id, password);
    const result = await testTarget(stored.config, { ...this.context(id), ...(acceptHostKey ? { acceptHostKey } : {}) });
    if (result.ok && result.hardware) this.hardware.set(id, result.hardware);
    return result;
  }

  async probe(id: string): Promise<HardwareProfile> {
    if (id === 'local') return probeLocalHardware();
    const result = await this.test(id, undefined, undefined);
    if (!result.ok || !result.hardware) throw new StudioError('RUNNER', result.message, { target: id });
    return result.hardware;
  }

  async resolve(id: string): Promise<JobTarget> {
    if (id === 'local') return { id: 'local', name: LOCAL_TARGET_NAME };
    const stored = await this.store.get(id);
    return { id, name: stored.config.name, stored };
  }

  /** How jobs and tests connect to a stored target. */
  context(id: string): TargetContext {
    const password = this.passwords.get(id);
    return {
      knownHostsFile: this.store.knownHostsFile,
      ...(password !== undefined ? { password } : {}),
      onLog: (direction, text) => this.emit('device.log', { targetId: id, direction, text }),
      onUpload: (sentBytes, totalBytes) => this.emit('device.upload', { targetId: id, sentBytes, totalBytes }),
    };
  }

  async listPorts(): Promise<SerialPortInfo[]> {
    return (await listSerialDevices()).map((d) => ({
      path: d.path,
      vendorId: d.vendorId ?? null,
      productId: d.productId ?? null,
      serialNumber: d.serialNumber ?? null,
      manufacturer: d.manufacturer ?? null,
      recognizedAs: d.recognizedAs ?? null,
    }));
  }

  /** A simulated board on a pseudo-terminal, added as a serial target (removed again when the studio closes). */
  async simulate(protocol: SerialProtocol): Promise<TargetEntry> {
    const simulator = await startSimulatorOnPty({ protocol, ...(this.boardSpawner ? { spawner: this.boardSpawner } : {}) });
    this.simulators.push(simulator);
    // Named as the protocol's descriptor names its simulated board, the name the Devices page's button promises.
    const entry = await this.add({ kind: 'serial', name: simulator.label, path: simulator.path, baudRate: 'auto', protocol });
    simulator.onStop(() => void this.remove(entry.id).catch(() => undefined));
    return entry;
  }

  async close(): Promise<void> {
    await Promise.all(this.simulators.map((s) => s.stop().catch(() => undefined)));
  }

  private entry(id: string, config: TargetConfig): TargetEntry {
    return { id, kind: config.kind, name: config.name, hardware: this.hardware.get(id) ?? null, config, spec: targetSpecOf(config) };
  }
}
