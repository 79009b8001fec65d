/**
 * Loads LiteRT.js (@litertjs/core, TFLite on WebAssembly with XNNPACK) in Node. The library is
 * written for browsers and workers: its loader runs the Emscripten glue script with
 * `importScripts` (or a <script> tag) and then reads `self.ModuleFactory`. Node has neither, so
 * for the duration of the load this file provides `self` and an `importScripts` that runs the
 * glue script with `vm` and a real `require` (the glue uses node:fs to read the .wasm next to it).
 * The .wasm files ship inside the package and are read from node_modules, never fetched.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import type * as LiteRtCore from '@litertjs/core';
import { StudioError } from '../../../shared/errors';

export type LiteRtLibrary = typeof LiteRtCore;

// Not named `require`: bundled ESM chunks get their own `require` shim, and the names would collide.
const requireFromHere = createRequire(import.meta.url);

/** Version of @litertjs/core, read from its package.json (throws if it is not installed). */
export function litertVersion(): string {
  return (requireFromHere('@litertjs/core/package.json') as { version: string }).version;
}

/** The folder holding litert_wasm_*.js and .wasm inside the installed package. */
export function litertWasmFolder(): string {
  return `${join(dirname(requireFromHere.resolve('@litertjs/core/package.json')), 'wasm')}/`;
}

let loading: Promise<LiteRtLibrary> | undefined;

/** The library with its wasm module loaded, once per process (LiteRT.js keeps one global instance). */
export function loadLiteRtInNode(): Promise<LiteRtLibrary> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw new StudioError(
      'RUNTIME',
      `LiteRT.js could not start from '${litertWasmFolder()}': ${error instanceof Error ? error.message : String(error)}. Reinstall @litertjs/core (npm ci).`,
      { runnerCode: 'LOAD_FAILED' },
    );
  });
  return loading;
}

interface LoaderGlobals {
  self?: unknown;
  importScripts?: (path: string) => void;
  ModuleFactory?: unknown;
  /** Emscripten reads its settings from here when the glue script starts. */
  Module?: { print: (text: string) => void; printErr: (text: string) => void };
}

async function load(): Promise<LiteRtLibrary> {
  const library = await import('@litertjs/core');
  const globals = globalThis as typeof globalThis & LoaderGlobals;
  const hadSelf = 'self' in globals;
  globals.self ??= globalThis;
  globals.importScripts = runGlueScript;
  // Emscripten prints C stdout with console.log; the runner's stdout carries the protocol, so
  // everything the runtime says goes to stderr, which the parent keeps as the runner's log.
  const toStderr = (text: string): void => void process.stderr.write(`${text}\n`);
  globals.Module = { print: toStderr, printErr: toStderr };
  // LiteRT.js asks navigator.gpu for a WebGPU device first and warns when there is none, which
  // in Node is always; only that warning is dropped.
  const warn = console.warn;
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].startsWith('Failed to create default WebGPU device')) return;
    warn(...args);
  };
  try {
    // Node 20 lacks relaxed SIMD, so LiteRT.js picks its single-threaded "compat" build; the
    // threaded build would also need pthread workers, which this loader does not provide.
    await library.loadLiteRt(litertWasmFolder());
  } finally {
    console.warn = warn;
    delete globals.importScripts;
    delete globals.Module;
    delete globals.ModuleFactory;
    if (!hadSelf) delete globals.self;
  }
  return library;
}

/** importScripts for the Emscripten glue: runs it as a CommonJS-style function and publishes its factory. */
function runGlueScript(path: string): void {
  const code = readFileSync(path, 'utf8');
  const run = compileFunction(`${code}\nreturn ModuleFactory;`, ['require', '__filename', '__dirname', 'module', 'exports'], { filename: path });
  const globals = globalThis as typeof globalThis & LoaderGlobals;
  globals.ModuleFactory = run(createRequire(path), path, dirname(path), undefined, undefined) as unknown;
}
