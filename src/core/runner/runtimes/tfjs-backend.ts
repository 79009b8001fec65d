/**
 * Picks and starts the TF.js backend. 'auto' tries tensorflow (native libtensorflow through the
 * optional @tensorflow/tfjs-node), then wasm (XNNPACK, shipped inside @tensorflow/tfjs-backend-wasm),
 * then cpu (plain JavaScript kernels). The TF.js libraries are imported here, on first use, so a
 * runner that only answers hello or runs another runtime never pays for loading them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { RuntimeOptionsMap } from '../../../shared/run-schema';
import { StudioError } from '../../../shared/errors';

export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu';
export type TfjsCore = typeof TfCore;

export interface TfjsBackend {
  tf: TfjsCore;
  name: TfjsBackendName;
  /** Threads the backend really computes with, when it says (wasm); null when it does not tell. */
  threads: number | null;
  /** Why backends tried before this one were passed over (for the runner's log). */
  skipped: string[];
}

/** Not a dependency of this package: installed by the user where libtensorflow can be downloaded. */
const TFJS_NODE = '@tensorflow/tfjs-node';

// Not named `require`: bundled ESM chunks get their own `require` shim, and the names would collide.
const requireFromHere = createRequire(import.meta.url);

/** Version of @tensorflow/tfjs-core, read from its package.json (throws if TF.js is not installed). */
export function tfjsVersion(): string {
  return (requireFromHere('@tensorflow/tfjs-core/package.json') as { version: string }).version;
}

/**
 * Whether @tensorflow/tfjs-node can run here, without loading it: 'missing' when the package is
 * not installed, 'no-binding' when it is but its native addon was never built. The project lists
 * it as an optional dependency, and npm 11 installs the package without running its install
 * script (which downloads libtensorflow and builds lib/napi-v<N>/tfjs_binding.node) unless that
 * script is allowed, so a present package is not a usable one.
 */
export function tfjsNodeState(): 'usable' | 'missing' | 'no-binding' {
  let root: string;
  try {
    root = dirname(requireFromHere.resolve(`${TFJS_NODE}/package.json`));
  } catch {
    return 'missing';
  }
  try {
    const builds = readdirSync(join(root, 'lib')).filter((name) => name.startsWith('napi-v'));
    return builds.some((build) => existsSync(join(root, 'lib', build, 'tfjs_binding.node'))) ? 'usable' : 'no-binding';
  } catch {
    return 'no-binding';
  }
}

/** Whether the tensorflow backend can start (tfjs-node installed with its native addon). */
export function tfjsNodeInstalled(): boolean {
  return tfjsNodeState() === 'usable';
}

let core: Promise<TfjsCore> | undefined;

/**
 * Imports TF.js (core, the cpu and wasm backends, layers and converter) once per process. Done
 * before a load's clock starts: onnxruntime's library is imported before its clock too.
 */
export function loadTfjsCore(): Promise<TfjsCore> {
  core ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await Promise.all([
      import('@tensorflow/tfjs-backend-cpu'),
      import('@tensorflow/tfjs-backend-wasm'),
      import('@tensorflow/tfjs-layers'),
      import('@tensorflow/tfjs-converter'),
    ]);
    // Production mode: no debug checks, and no "install tfjs-node" banner on the runner's log.
    tf.enableProdMode();
    return tf;
  })();
  return core;
}

/**
 * Sets the backend every later TF.js call uses. `threads` (0 = the backend's default) is applied
 * where the backend has a knob; see the comments per backend for what happens otherwise.
 */
export async function useTfjsBackend(preference: RuntimeOptionsMap['tfjs']['tfjsBackend'], threads: number): Promise<TfjsBackend> {
  const tf = await loadTfjsCore();
  const order: TfjsBackendName[] = preference === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preference];
  const skipped: string[] = [];
  for (const name of order) {
    try {
      const used = await start(tf, name, threads);
      return { tf, name, threads: used, skipped };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (preference !== 'auto') {
        throw new StudioError('RUNTIME', `The TF.js backend '${name}' cannot start here: ${reason.replace(/\.$/, '')}. ${advice(name)}`, {
          runnerCode: 'LOAD_FAILED',
          backend: name,
        });
      }
      skipped.push(`${name}: ${reason}`);
    }
  }
  throw new StudioError('RUNTIME', `No TF.js backend could start here (${skipped.join('; ')}).`, { runnerCode: 'LOAD_FAILED' });
}

function advice(name: TfjsBackendName): string {
  if (name === 'tensorflow') {
    return `Install it with 'npm install ${TFJS_NODE}' and let its install script run (it downloads libtensorflow), or choose the wasm or cpu backend.`;
  }
  return 'Choose another TF.js backend (auto picks the first that works).';
}

async function start(tf: TfjsCore, name: TfjsBackendName, threads: number): Promise<number | null> {
  if (name === 'tensorflow') {
    const state = tfjsNodeState();
    if (state === 'missing') throw new Error(`${TFJS_NODE} is not installed`);
    if (state === 'no-binding') throw new Error(`${TFJS_NODE} is installed without its native addon (its install script, which downloads libtensorflow, did not run)`);
    // libtensorflow reads its intra-op pool size from this variable when its first context is
    // made; set before tfjs-node loads, and only if the user did not set it themselves.
    if (threads > 0) process.env.TF_NUM_INTRAOP_THREADS ??= String(threads);
    // A specifier in a variable keeps bundlers and tsc from requiring the optional package.
    const specifier: string = TFJS_NODE;
    await import(specifier);
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm files ship in the package's dist folder; in Node they are read from disk, never fetched.
    wasm.setWasmPaths(`${join(dirname(requireFromHere.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    // Only the threaded build honours this, and tfjs-backend-wasm never picks it in Node
    // (tfjs issue 3830), so Node runs XNNPACK on 1 thread whatever is asked; getThreadsCount says so.
    if (threads > 0) wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    return wasm.getThreadsCount();
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") returned false`);
  await tf.ready();
  // The cpu backend runs its kernels in plain JavaScript on the calling thread.
  return name === 'cpu' ? 1 : null;
}
