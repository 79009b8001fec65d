/**
 * The Node runner as one file for a board: runner-process.ts and everything it imports bundled
 * by esbuild into an ES module, except onnxruntime-node (native; its package is uploaded beside
 * the bundle). TF.js and LiteRT.js stay home: their wasm files would triple the upload, and a
 * board that needs TFLite gets the Python runner. Their loaders are replaced by stubs that say so,
 * so the runner's hello lists them as unavailable instead of failing to start.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../../shared/errors';

export interface NodeRunnerBundle {
  code: Buffer;
  sha256: string;
}

/** The oldest Node the bundle must run on (the issue asks for Node 18+ on the board). */
const NODE_TARGET = 'node18';
const RUNNER_SOURCE = fileURLToPath(new URL('../../runner/runner-process.ts', import.meta.url));
/** Where scripts/build-remote-runner.ts puts a prebuilt bundle, relative to a built module (out/main). */
const PREBUILT_NAME = 'remote-runner/edgebench-node-runner.mjs';

const STUB_MODULE = (exportName: string, label: string): string => `
const reason = '${label} is not carried by the studio\\'s runner on SSH boards; the Python runner runs TFLite models there.';
export const ${exportName} = {
  name: '${label}',
  version() { throw new Error(reason); },
  async load() { throw new Error(reason); },
};
`;

let cached: Promise<NodeRunnerBundle> | null = null;

/** The bundle, built once per process from source (or read from a prebuilt file in a packaged app). */
export function nodeRunnerBundle(): Promise<NodeRunnerBundle> {
  cached ??= loadBundle().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}

async function loadBundle(): Promise<NodeRunnerBundle> {
  const code = existsSync(RUNNER_SOURCE) ? await buildNodeRunnerBundle() : await readPrebuilt();
  return { code, sha256: createHash('sha256').update(code).digest('hex') };
}

export async function buildNodeRunnerBundle(): Promise<Buffer> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [RUNNER_SOURCE],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: NODE_TARGET,
    external: ['onnxruntime-node', 'onnxruntime-common'],
    legalComments: 'none',
    logLevel: 'silent',
    // Bundled CommonJS dependencies may call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __edgebenchCreateRequire } from 'node:module'; const require = __edgebenchCreateRequire(import.meta.url);" },
    plugins: [
      {
        name: 'edgebench-stub-wasm-runtimes',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^\.\/(tfjs|litert)$/ }, (args) =>
            dirname(args.importer).endsWith(join('runner', 'runtimes')) ? { path: args.path, namespace: 'edgebench-stub' } : undefined,
          );
          pluginBuild.onLoad({ filter: /.*/, namespace: 'edgebench-stub' }, (args) => ({
            contents: args.path === './tfjs' ? STUB_MODULE('tfjsModule', 'TensorFlow.js') : STUB_MODULE('litertModule', 'LiteRT.js'),
            loader: 'js',
          }));
        },
      },
    ],
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new StudioError('INTERNAL', `esbuild produced no output for '${RUNNER_SOURCE}'.`);
  return Buffer.from(output.contents);
}

async function readPrebuilt(): Promise<Buffer> {
  const path = fileURLToPath(new URL(`./${PREBUILT_NAME}`, import.meta.url));
  try {
    return await readFile(path);
  } catch {
    throw new StudioError('RUNNER', `The runner for SSH boards is missing ('${path}'); rebuild the studio (npm run build:remote-runner).`, { file: path });
  }
}

/** The installed onnxruntime-node: its folder, version, and onnxruntime-common's folder. */
export function onnxruntimeNodePackage(): { dir: string; version: string; commonDir: string } {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('onnxruntime-node/package.json'));
  const version = (require('onnxruntime-node/package.json') as { version: string }).version;
  // onnxruntime-common's exports map hides its package.json: find the folder from its entry point.
  let commonDir = dirname(createRequire(join(dir, 'package.json')).resolve('onnxruntime-common'));
  while (!isPackageRoot(commonDir, 'onnxruntime-common') && dirname(commonDir) !== commonDir) commonDir = dirname(commonDir);
  return { dir, version, commonDir };
}

function isPackageRoot(dir: string, name: string): boolean {
  const file = join(dir, 'package.json');
  return existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === name;
}
