import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const demoModelPath = path.join(repoRoot, 'resources/models/demo-mnist.onnx');

/** The CLI's build, made from the current sources by vitest's globalSetup (cli-build-setup.ts). */
export const builtCliPath = path.join(repoRoot, 'out/cli/edgebench.js');

/** Node arguments that start the built CLI; throws why when this test run could not build it. */
export function cliNodeArgs(args: readonly string[]): string[] {
  const buildError = process.env.EDGEBENCH_CLI_BUILD_ERROR;
  if (buildError) throw new Error(`The CLI could not be built for this test run: ${buildError}`);
  if (process.env.EDGEBENCH_FRESH_CLI_BUILD !== '1' || !existsSync(builtCliPath)) {
    throw new Error('The CLI was not built for this test run: run the tests through vitest (its globalSetup builds out/cli).');
  }
  return [builtCliPath, ...args];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `edgebench` CLI (its fresh build, as `edgebench` runs it) as a user would, with a hard time limit. */
export function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliNodeArgs(args), {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`edgebench ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms (a hang).`));
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
