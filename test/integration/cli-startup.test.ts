/**
 * What the CLI loads to start: `edgebench --help` and `--version` must not import any npm package
 * (onnxruntime, TF.js, ssh2, serialport, even zod), and `inspect` none of the runtimes or
 * transports, so a start costs about a Node start (the times are in `npm run bench:cli`).
 * A module-resolution hook records every module the real CLI build resolves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliNodeArgs, demoModelPath, repoRoot } from '../helpers/run-cli';

const HEAVY = ['onnxruntime-node', '@tensorflow/', '@litertjs/', 'ssh2', 'serialport', 'playwright-core'];

let dir: string;
let registerFile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'edgebench-startup-'));
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    [
      "import { appendFileSync } from 'node:fs';",
      'let log;',
      'export function initialize(data) { log = data.log; }',
      'export async function resolve(specifier, context, next) {',
      '  const resolved = await next(specifier, context);',
      "  appendFileSync(log, resolved.url + '\\n');",
      '  return resolved;',
      '}',
    ].join('\n'),
  );
  registerFile = path.join(dir, 'register.mjs');
  writeFileSync(
    registerFile,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: process.env.EDGEBENCH_TEST_MODULE_LOG } });\n`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built CLI and returns every module URL it resolved. */
function modulesLoadedBy(args: string[]): string[] {
  const log = path.join(dir, `modules-${args.join('-').replace(/[^\w-]/g, '_')}.log`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(registerFile).href, ...cliNodeArgs(args)], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, EDGEBENCH_TEST_MODULE_LOG: log },
    timeout: 60_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const packagesIn = (urls: string[]): string[] => urls.filter((url) => url.includes('/node_modules/'));

describe('what the CLI loads to start', () => {
  it.each([['--help'], ['--version']])('edgebench %s loads no npm package at all, only its own build and Node built-ins', (flag) => {
    const urls = modulesLoadedBy([flag]);
    expect(urls.some((url) => url.endsWith('/out/cli/edgebench.js'))).toBe(true);
    expect(packagesIn(urls)).toEqual([]);
    expect(urls.filter((url) => !url.startsWith('node:') && !url.includes('/out/cli/'))).toEqual([]);
  });

  it('edgebench inspect loads no runtime, no serial or SSH library, no browser driver', () => {
    const packages = packagesIn(modulesLoadedBy(['inspect', demoModelPath]));
    for (const heavy of HEAVY) expect(packages.filter((url) => url.includes(`/node_modules/${heavy}`))).toEqual([]);
  });

  it('edgebench bench loads no runtime itself: inference runs in the runner process', () => {
    const packages = packagesIn(modulesLoadedBy(['bench', demoModelPath, '--runs', '5', '--warmup', '1', '--profile-runs', '0']));
    for (const heavy of HEAVY) expect(packages.filter((url) => url.includes(`/node_modules/${heavy}`))).toEqual([]);
  });
});
