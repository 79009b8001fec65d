/**
 * `npm run lab:arm64`: the test lab's arm64 board for users who want to try the SSH flow without
 * hardware. Builds the image once (or reuses it), starts the board, prints its target spec, the
 * pinned host key and ready-made commands, and stays up until Ctrl+C (SIGINT or SIGTERM stop the
 * board and remove its network namespace; its mounts live in a private namespace that goes with it).
 *
 * The board is EMULATED (qemu-user on this x86 computer): its figures are labelled emulated and
 * are never a measure of a real arm64 board. Needs root (see docs/lab-arm64.md).
 */
import { cpus } from 'node:os';
import path from 'node:path';
import { EMULATED_LABEL, ensureImage, startArm64Board, type Arm64Board } from './board';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('npm run lab:arm64 needs root (network namespaces, mounts, chroot): run it as root, e.g. sudo npm run lab:arm64.\n');
    return 2;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const image = await ensureImage({ timeoutMs: 30 * 60_000, onLog: log });
  let board: Arm64Board | null = null;
  let requested: string | null = null;
  const stop = async (): Promise<never> => {
    log(`\n${requested ?? 'stop'}: stopping the arm64 board (its sshd, sessions and network namespace)...`);
    await board?.stop();
    log('stopped; nothing of the board is left running.');
    process.exit(0);
  };
  const onSignal = (signal: string): void => {
    if (requested !== null) return;
    requested = signal;
    // A signal while the board starts is acted on once it is up (so its namespace is removed too).
    if (board !== null) void stop();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGHUP', () => onSignal('SIGHUP')); // the terminal closed
  board = await startArm64Board({ image, cores: cpus().length, onLog: (line) => log(`  board: ${line}`) });
  if (requested !== null) return stop();
  const keyFlags = `--identity ${board.identityFile} --known-hosts ${board.knownHostsFile}`;
  const demo = path.join(ROOT, 'resources', 'models', 'demo-mnist');
  process.stdout.write(
    [
      `The arm64 board is up (${EMULATED_LABEL}: its figures are emulated, never compare them with hardware).`,
      '',
      `  target spec   ${board.spec}`,
      `  host key      ${board.hostKeyLine}`,
      `  fingerprint   ${board.hostFingerprint}`,
      `  client key    ${board.identityFile}`,
      `  known_hosts   ${board.knownHostsFile} (pins the host key above, and only it)`,
      '',
      'Try it:',
      `  node bin/edgebench.mjs targets probe ${board.spec} ${keyFlags}`,
      `  node bin/edgebench.mjs bench ${demo}.onnx ${demo}.tflite --target local --target ${board.spec} ${keyFlags}`,
      `  ssh -i ${board.identityFile} -o UserKnownHostsFile=${board.knownHostsFile} root@${board.host}`,
      'In the studio: Targets → Add SSH target, host ' + `${board.host}, port 22, user root, key file ${board.identityFile}; trust the fingerprint above.`,
      '',
      'Press Ctrl+C to stop the board.',
      '',
    ].join('\n'),
  );
  await new Promise(() => undefined); // until a signal stops the board
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm run lab:arm64: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
