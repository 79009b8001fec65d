/**
 * The simulated board as its own process, speaking the protocol on stdin/stdout, so inference
 * never runs in the studio's process and any byte pipe can carry it, e.g. a pseudo-terminal:
 *   socat pty,raw,echo=0,link=/tmp/ttySIM EXEC:"node out/cli/simulator.js"
 * then `serial:///tmp/ttySIM?protocol=edgebench`. Options: --slowdown N, --seed N, --protocol-version 1|2.
 * out/cli/simulator.js is this file built by scripts/build-cli.mjs (`npm run build:cli`; `npm ci`
 * and the first `edgebench` run build it too). It exits when its stdin ends.
 * Only frames go to stdout; the runtime's own messages go to stderr (see litert-node.ts).
 */
import { StudioError } from '../../../../shared/errors';
import { serveSimulatedBoard } from './simulated-board';

function numberFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    throw new StudioError('BAD_INPUT', `${name} takes a positive number, not '${process.argv[at + 1] ?? ''}'.`, { flag: name });
  }
  return value;
}

function protocolVersionFlag(): 1 | 2 {
  const version = numberFlag('--protocol-version', 2);
  if (version !== 1 && version !== 2) throw new StudioError('BAD_INPUT', `--protocol-version takes 1 or 2 (the EdgeBench protocol versions), not '${version}'.`, { flag: '--protocol-version' });
  return version;
}

const board = serveSimulatedBoard(
  {
    write: (bytes) => process.stdout.write(bytes),
    on: (event, listener) => process.stdin.on(event, listener),
    removeListener: (event, listener) => process.stdin.removeListener(event, listener),
  },
  { slowdown: numberFlag('--slowdown', 60), seed: numberFlag('--seed', 1), protocolVersion: protocolVersionFlag() },
  { bootLog: 'EdgeBench simulated board (ESP32-S3 model): inference runs on the host; latencies are modelled.\r\n' },
);
process.stderr.write(`${board.model.chipModel} ready on stdio\n`);
process.stdin.on('end', () => {
  void board.dispose().then(() => process.exit(0));
});
