/**
 * `edgebench`: the studio's engine, headless. Exit codes: 0 success, 1 the work failed
 * (runtime or runner error, a target or board that failed, a regression, a run that did not
 * reproduce), 2 bad input (a flag, a file, a model we cannot read), 3 the data cannot decide
 * (compare and repro without between-run CIs, or with CIs that overlap), 130 cancelled.
 *
 * Start-up is kept to a Node start: the CLI runs from its build (out/cli, scripts/build-cli.mjs),
 * and each command's module (and with it zod, onnxruntime, TF.js, ssh2, serialport) is imported
 * only when that command runs, so `edgebench --help` loads this file and nothing else.
 */
import { readFileSync } from 'node:fs';
import type { CommandIo } from './io';
import { installInterruptHandling } from './interrupt';

type CommandModule = { run: (argv: string[], io: CommandIo) => Promise<number> };

interface Command {
  load: () => Promise<CommandModule>;
  summary: string;
}

const commands: Record<string, Command> = {
  inspect: { load: async () => ({ run: (await import('./commands/inspect')).inspectCommand }), summary: 'Show a model\'s inputs, outputs, ops, parameters, size and MACs.' },
  bench: { load: async () => ({ run: (await import('./commands/bench')).benchCommand }), summary: 'Benchmark a model on this computer.' },
  models: { load: async () => ({ run: (await import('./commands/models')).modelsCommand }), summary: 'List workspace models; link the ONNX, TFLite and TF.js files of one network, suggest and check such links.' },
  inputs: { load: async () => ({ run: (await import('./commands/inputs')).inputsCommand }), summary: 'Save a model\'s input sizes and values once, for every run of it.' },
  eval: { load: async () => ({ run: (await import('./commands/eval')).evalCommand }), summary: 'Accuracy and fidelity of models on a dataset (top-1, top-5, agreement, SQNR).' },
  dataset: { load: async () => ({ run: (await import('./commands/dataset')).datasetCommand }), summary: 'Import a dataset (image folder, .npy, .npz, CSV) with its preprocessing recipe.' },
  quantize: { load: async () => ({ run: (await import('./commands/quantize')).quantizeCommand }), summary: 'Make an int8 (dynamic or static) or fp16 variant of an ONNX model.' },
  prune: { load: async () => ({ run: (await import('./commands/prune')).pruneCommand }), summary: 'Make a pruned variant (zeroed weights, or convolution channels removed), with whether it will run faster.' },
  convert: { load: async () => ({ run: (await import('./commands/convert')).convertCommand }), summary: 'PyTorch to ONNX (with your Python and torch), or ONNX to TFLite; each checked against its source on seeded inputs.' },
  report: { load: async () => ({ run: (await import('./commands/report')).reportCommand }), summary: 'Make a report (HTML, PDF, Markdown, CSV, JSON, Netron) from run files.' },
  repro: { load: async () => ({ run: (await import('./commands/repro')).reproCommand }), summary: "Re-run a run file's settings; does the new median land inside its between-run CI?" },
  energy: { load: async () => ({ run: (await import('./commands/energy')).energyCommand }), summary: "Import MLPerf Tiny's energy mode (an EEMBC EnergyRunner session) into a run's energy." },
  compare: { load: async () => ({ run: (await import('./commands/compare')).compareCommand }), summary: 'Compare two runs; gate CI on their between-run CIs (exit 0 ok, 1 regressed, 3 cannot decide).' },
  diff: { load: async () => ({ run: (await import('./commands/diff')).diffCommand }), summary: 'Diff two models node by node (float against int8), or two profiled runs per op.' },
  targets: { load: async () => ({ run: (await import('./commands/targets')).targetsCommand }), summary: 'Probe an SSH board or a serial device: hardware, runtimes, tools.' },
  fit: { load: async () => ({ run: (await import('./commands/fit')).fitCommand }), summary: 'Will a .tflite fit a microcontroller? Arena and flash estimate per chip.' },
  devices: { load: async () => ({ run: (await import('./commands/devices')).devicesCommand }), summary: 'List serial ports and the boards recognized on them.' },
  serve: { load: async () => ({ run: (await import('./commands/serve')).serveCommand }), summary: 'Serve the studio UI to a browser on this machine.' },
};

/**
 * Error codes that mean the user's input was wrong (exit 2); kept here so errors.ts (zod) loads only
 * on failure. Every other code exits 1: RUNNER, RUNTIME, TARGET (a board that cannot be reached or
 * a port that cannot be opened) and DEVICE (a board that misbehaved) alike.
 */
const BAD_INPUT_CODES: readonly string[] = ['BAD_INPUT', 'FILE_NOT_FOUND', 'MODEL_FORMAT', 'NOT_FOUND'];

function mainHelp(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'Usage: edgebench COMMAND [ARGS] [--help]',
    '',
    'EdgeBench Studio from the command line: inspect and benchmark ML models for edge hardware.',
    '',
    'Commands:',
    ...rows,
    '',
    "Run 'edgebench COMMAND --help' for a command's flags.",
    '',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(version());
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.err(`Unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}. Run 'edgebench --help' for details.`);
    return 2;
  }
  try {
    const { run } = await command.load();
    return await run(rest, io);
  } catch (error) {
    const { toErrorData } = await import('../shared/errors');
    const { messageFor } = await import('../shared/remedies');
    const data = toErrorData(error);
    io.err(`edgebench ${name}: ${messageFor(data, 'cli')}`);
    const runnerLog = data.context.runnerLog;
    if (runnerLog) io.err(`The runner's last lines:\n${runnerLog.replace(/^/gm, '  ')}`);
    if (process.env.EDGEBENCH_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    if (data.code === 'CANCELLED') return 130;
    return BAD_INPUT_CODES.includes(data.code) ? 2 : 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1] ?? '';
  return /(^|[\\/])(main\.ts|edgebench(\.m?js)?)$/.test(entry) || process.env.EDGEBENCH_CLI_ENTRY === '1';
}

if (isEntryPoint()) {
  const interrupt = installInterruptHandling();
  const io: CommandIo = {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.startsWith('\r') ? text : `${text}\n`),
    stderrIsTty: Boolean(process.stderr.isTTY),
    signal: interrupt.signal,
  };
  // Stopped by Ctrl+C or SIGTERM: 130, whatever the command made of its cancellation.
  main(process.argv.slice(2), io)
    .catch((error: unknown) => {
      if (!interrupt.interrupted()) process.stderr.write(`edgebench: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    })
    .then(interrupt.exitCode)
    .then((code) => {
      process.exitCode = code;
    });
}
