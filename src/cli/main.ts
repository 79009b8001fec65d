/**
 * `edgebench`: the studio's engine, headless. Exit codes: 0 success, 1 the work failed
 * (runtime or runner error), 2 bad input (a flag, a file, a model we cannot read), 130 cancelled.
 */
import { readFileSync } from 'node:fs';
import { StudioError, toErrorData, type ErrorCode } from '../shared/errors';
import { benchCommand, benchHelp } from './commands/bench';
import { compareCommand, compareHelp } from './commands/compare';
import { datasetCommand, datasetHelp } from './commands/dataset';
import { devicesCommand, devicesHelp } from './commands/devices';
import { evalCommand, evalHelp } from './commands/eval';
import { fitCommand, fitHelp } from './commands/fit';
import { inspectCommand, inspectHelp } from './commands/inspect';
import { quantizeCommand, quantizeHelp } from './commands/quantize';
import { reportCommand, reportHelp } from './commands/report';
import { serveCommand, serveHelp } from './commands/serve';
import { targetsCommand, targetsHelp } from './commands/targets';
import type { CommandIo } from './io';

type Command = { run: (argv: string[], io: CommandIo) => Promise<number>; help: string; summary: string };

const commands: Record<string, Command> = {
  inspect: { run: inspectCommand, help: inspectHelp, summary: 'Show a model\'s inputs, outputs, ops, parameters, size and MACs.' },
  bench: { run: benchCommand, help: benchHelp, summary: 'Benchmark a model on this computer.' },
  eval: { run: evalCommand, help: evalHelp, summary: 'Accuracy and fidelity of models on a dataset (top-1, top-5, agreement, SQNR).' },
  dataset: { run: datasetCommand, help: datasetHelp, summary: 'Import a dataset (image folder, .npy, .npz, CSV) with its preprocessing recipe.' },
  quantize: { run: quantizeCommand, help: quantizeHelp, summary: 'Make an int8 (dynamic or static) or fp16 variant of an ONNX model.' },
  report: { run: reportCommand, help: reportHelp, summary: 'Make a report (HTML, PDF, Markdown, CSV, JSON, Netron) from run files.' },
  compare: { run: compareCommand, help: compareHelp, summary: 'Compare two runs; exit 1 when the median regressed (for CI).' },
  targets: { run: targetsCommand, help: targetsHelp, summary: 'Probe an SSH board or a serial device: hardware, runtimes, tools.' },
  fit: { run: fitCommand, help: fitHelp, summary: 'Will a .tflite fit a microcontroller? Arena and flash estimate per chip.' },
  devices: { run: devicesCommand, help: devicesHelp, summary: 'List serial ports and the boards recognized on them.' },
  serve: { run: serveCommand, help: serveHelp, summary: 'Serve the studio UI to a browser on this machine.' },
};

const BAD_INPUT_CODES: ErrorCode[] = ['BAD_INPUT', 'FILE_NOT_FOUND', 'MODEL_FORMAT', 'NOT_FOUND'];

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
  const command = commands[name];
  if (!command) {
    io.err(`Unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}. Run 'edgebench --help' for details.`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const data = toErrorData(error);
    io.err(`edgebench ${name}: ${data.message}`);
    const runnerLog = data.context.runnerLog;
    if (runnerLog) io.err(`The runner's last lines:\n${runnerLog.replace(/^/gm, '  ')}`);
    if (process.env.EDGEBENCH_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    if (data.code === 'CANCELLED') return 130;
    return BAD_INPUT_CODES.includes(data.code) ? 2 : 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1] ?? '';
  return /(^|[\\/])(main\.ts|cli\.js|edgebench(\.mjs)?)$/.test(entry) || process.env.EDGEBENCH_CLI_ENTRY === '1';
}

if (isEntryPoint()) {
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = (): void => {
    // First Ctrl+C cancels cleanly (runner killed, nothing half-written); a second one exits at once.
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CommandIo = {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.startsWith('\r') ? text : `${text}\n`),
    stderrIsTty: Boolean(process.stderr.isTTY),
    signal: controller.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`edgebench: ${new StudioError('INTERNAL', toErrorData(error).message).message}\n`);
      process.exitCode = 1;
    },
  );
}
