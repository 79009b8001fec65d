/**
 * `npm run -s edgebench -- ARGS` as a user types it in their own folder: npm starts the CLI in the
 * project's root, and the CLI resolves the user's relative paths against the folder they ran npm
 * in (INIT_CWD). The run file records the model's absolute path, so the reproduce command a report
 * prints works from anywhere.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reproduceCommand } from '../../src/core/reports/reproduce-command';
import { RunFile } from '../../src/shared/run-schema';
import { demoModelPath, repoRoot, type CliResult } from '../helpers/run-cli';

function npmRun(cwd: string, args: string[], prefix: string[] = []): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', [...prefix, 'run', '-s', 'edgebench', '--', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run edgebench -- ${args.join(' ')} did not finish within 90 s (a hang).`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run edgebench from another folder', () => {
  it('resolves a relative model path, --out and the recorded model path against the folder npm ran in', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'edgebench-npm-cwd-')));
    mkdirSync(path.join(dir, 'models'));
    copyFileSync(demoModelPath, path.join(dir, 'models/demo-mnist.onnx'));

    const inspect = await npmRun(dir, ['inspect', 'models/demo-mnist.onnx'], ['--prefix', repoRoot]);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toContain('format      onnx');

    const bench = await npmRun(dir, ['bench', 'models/demo-mnist.onnx', '--runs', '5', '--warmup', '1', '--threads', '1', '--out', 'run.json'], ['--prefix', repoRoot]);
    expect(bench.code, bench.stderr).toBe(0);
    expect(existsSync(path.join(repoRoot, 'run.json'))).toBe(false);
    const run = RunFile.parse(JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')));
    expect(run.model.path).toBe(path.join(dir, 'models/demo-mnist.onnx'));
    expect(reproduceCommand(run)).toMatch(new RegExp(`^edgebench bench ${path.join(dir, 'models/demo-mnist.onnx').replace(/[.]/g, '\\.')} --runs 5 `));
  }, 120_000);

  it('from a folder inside the project, where npm finds package.json above', async () => {
    const result = await npmRun(path.dirname(demoModelPath), ['inspect', path.basename(demoModelPath)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('demo-mnist.onnx');
  }, 120_000);

  it("another package's own edgebench script keeps npm's rule: its paths start at that package's root", async () => {
    const project = realpathSync(mkdtempSync(path.join(tmpdir(), 'edgebench-npm-other-')));
    mkdirSync(path.join(project, 'models'));
    mkdirSync(path.join(project, 'src'));
    copyFileSync(demoModelPath, path.join(project, 'models/demo-mnist.onnx'));
    const script = `node ${JSON.stringify(path.join(repoRoot, 'bin/edgebench.mjs'))} inspect models/demo-mnist.onnx`;
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'someone-else', private: true, scripts: { edgebench: script } }));
    // Typed in src/, where there is no models/ folder: the script still finds the model from its package's root.
    const result = await npmRun(path.join(project, 'src'), []);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('models/demo-mnist.onnx');
  }, 120_000);

  it('a missing relative path is named as the user typed it, and exits 2', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'edgebench-npm-cwd-')));
    const result = await npmRun(dir, ['inspect', 'nowhere.onnx'], ['--prefix', repoRoot]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nowhere.onnx');
  }, 120_000);
});
