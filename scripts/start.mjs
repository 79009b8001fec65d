// `npm start`: builds the app, then launches it in Electron. Where no Electron binary can be
// had (it is fetched from GitHub on first use, which some networks block), it says so in one
// paragraph and points to browser mode instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronPackageDir = path.join(root, 'node_modules', 'electron');
/** Generous: on a slow line the first download of the binary (about 100 MB) takes minutes. */
const DOWNLOAD_TIMEOUT_MS = 15 * 60 * 1000;

function build() {
  const cli = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('\nThe studio could not be built (see the errors above); fix them and run `npm start` again.\n');
    process.exit(result.status ?? 1);
  }
}

/** The binary path electron's package already recorded, if its download finished earlier. */
function installedBinary() {
  try {
    const relative = readFileSync(path.join(electronPackageDir, 'path.txt'), 'utf8');
    const binary = path.join(electronPackageDir, 'dist', relative);
    return existsSync(binary) ? binary : null;
  } catch {
    return null; // no path.txt: the binary was never downloaded
  }
}

/**
 * require('electron') returns the binary's path, downloading it first when it is missing. It runs
 * in a child process so that its download log and stack trace stay out of the user's terminal.
 */
function fetchBinary() {
  process.stderr.write('Getting the Electron binary (downloaded from GitHub on first start)...\n');
  const result = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: DOWNLOAD_TIMEOUT_MS,
  });
  const binary = result.status === 0 ? result.stdout.trim() : '';
  if (binary !== '' && existsSync(binary)) return { binary };
  return { reason: firstErrorLine(`${result.stderr ?? ''}\n${result.error?.message ?? ''}`) };
}

function firstErrorLine(text) {
  const lines = text.split('\n').map((line) => line.trim());
  const line =
    lines.find((l) => /^(\w*Error|Error)\b/.test(l) && !/failed to install correctly/.test(l)) ??
    lines.find((l) => l !== '' && !l.startsWith('at ') && !l.startsWith('Downloading'));
  return line ?? 'no reason given';
}

function explainAndExit(reason) {
  process.stderr.write(
    [
      `EdgeBench Studio could not start: no Electron binary is available on this machine (${reason}).`,
      'The electron npm package does not contain the app runtime itself; it downloads it from GitHub',
      'the first time the app starts, and that download did not succeed here (no access to GitHub,',
      'or a proxy or firewall in the way). The same studio runs in your browser without Electron:',
      'run `npm run serve` and open the URL it prints. To try the desktop app again later, run `npm start`',
      'once GitHub is reachable.',
    ].join(' ') + '\n',
  );
  process.exit(1);
}

function launch(binary) {
  const env = { ...process.env };
  // Set by some tools; it would make Electron behave as plain Node and ignore the app.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [root], { stdio: 'inherit', env });
  child.on('error', (error) => explainAndExit(`starting ${binary} failed: ${error.message}`));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

build();
const found = installedBinary();
if (found) launch(found);
else {
  const fetched = fetchBinary();
  if (fetched.binary) launch(fetched.binary);
  else explainAndExit(`fetching it failed: ${fetched.reason}`);
}
