/**
 * A simulated board as its own process on one end of a pseudo-terminal pair (simulator-pty.ts
 * starts it): the EdgeBench simulated board, or the MLPerf Tiny EMULATOR. It opens the device end
 * with serialport, as firmware owns its UART, and says "ready" on stdout once it listens.
 * It exits when the port vanishes, on SIGTERM, or when its parent goes away (parent-watch.ts:
 * stdin closes under Node; no heartbeat on parentPort for a while under Electron's utilityProcess).
 *   --protocol edgebench|mlperf-tiny --device PATH [--slowdown N] [--seed N] [--latency-us N] [--protocol-version 1|2]
 */
import { StudioError } from '../../../../shared/errors';
import { MlperfTinyEmulator } from '../mlperf-tiny/emulator';
import { openSerialPortTransport } from '../transport/serialport-transport';
import { watchParent, type ParentPortLike } from './parent-watch';
import { SimulatedBoard } from './simulated-board';

/** Labels every reply that names the board: the UI shows it wherever a board name appears. */
export const SIMULATED_MLPERF_NAME = 'Simulated board (MLPerf Tiny emulator)';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

function numberFlag(name: string, fallback: number): number {
  const text = flag(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new StudioError('BAD_INPUT', `${name} takes a positive number, not '${text}'.`, { flag: name });
  return value;
}

async function main(): Promise<void> {
  const protocol = flag('--protocol') ?? 'edgebench';
  const device = flag('--device');
  if (device === undefined) throw new StudioError('BAD_INPUT', 'The simulated board needs --device PATH: the pseudo-terminal end it serves.', { flag: '--device' });
  if (protocol !== 'edgebench' && protocol !== 'mlperf-tiny') {
    throw new StudioError('BAD_INPUT', `--protocol '${protocol}' is not one of edgebench, mlperf-tiny.`, { flag: '--protocol' });
  }
  // A pseudo-terminal ignores the rate; HUPCL off so closing does not hang up the other end.
  const transport = await openSerialPortTransport({ path: device, baudRate: 921600, hangupOnClose: false });
  let stopping = false;
  let release: () => Promise<void> = async () => undefined;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await release().catch(() => undefined);
    await transport.close().catch(() => undefined);
    process.exit(code);
  };
  transport.onClose(() => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
  watchParent({ parentPort, stdin: () => process.stdin, onGone: () => void stop(0) });

  if (protocol === 'edgebench') {
    const version = numberFlag('--protocol-version', 2);
    if (version !== 1 && version !== 2) throw new StudioError('BAD_INPUT', `--protocol-version takes 1 or 2 (the EdgeBench protocol versions), not '${version}'.`, { flag: '--protocol-version' });
    const board = new SimulatedBoard({ slowdown: numberFlag('--slowdown', 60), seed: numberFlag('--seed', 1), protocolVersion: version });
    const offs = new Map<(bytes: Uint8Array) => void, () => void>();
    const detach = board.serve(
      {
        // A write after the port vanished fails; the close handler above ends the process.
        write: (bytes) => void transport.write(bytes).catch(() => undefined),
        on: (_event, listener) => offs.set(listener, transport.onData(listener)),
        removeListener: (_event, listener) => {
          offs.get(listener)?.();
          offs.delete(listener);
        },
      },
      { bootLog: 'EdgeBench simulated board (ESP32-S3 model): inference runs on the host; latencies are modelled.\r\n' },
    );
    release = async () => {
      detach();
      await board.dispose();
    };
  } else {
    const baseUs = numberFlag('--latency-us', 48_000);
    let state = numberFlag('--seed', 1) >>> 0;
    // ±2% seeded jitter around the nominal latency, so windows differ as a real board's do.
    const jitter = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state / 2 ** 32 - 0.5) * 0.04;
    };
    const emulator = new MlperfTinyEmulator(transport, { vendorName: SIMULATED_MLPERF_NAME, model: 'ic01', latencyUs: () => Math.round(baseUs * (1 + jitter())) });
    await emulator.boot();
    release = async () => emulator.stop();
  }
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
