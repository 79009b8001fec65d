// Builds the `edgebench` CLI and the processes it starts (benchmark runner, quantization worker,
// simulated serial board) from src/ into out/cli/ with esbuild, so none of them goes through tsx
// at start-up. Plain JavaScript on purpose: bin/edgebench.mjs imports it to build on first use,
// before anything could compile TypeScript.
//
//   node scripts/build-cli.mjs                build (`npm run build:cli`)
//   node scripts/build-cli.mjs --if-possible  build, but never fail (`prepare`, run by `npm ci`)
//   node scripts/build-cli.mjs --check        exit 1 unless out/cli is up to date with its sources
//
// Layout: out/cli/<entry>.js plus content-hashed chunks (chunk-<hash>.js) that the entries import,
// all in one folder. npm packages stay in node_modules (onnxruntime-node and serialport are native).
// Entries are written last and by rename, chunks never change once written (the name is the hash of
// the content), so a process that is running the previous build (another test run, a long `serve`)
// keeps finding the chunks it imports lazily; chunks no build has used for a day are removed.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT_DIR = path.join(ROOT, 'out', 'cli');
const MANIFEST = 'build-manifest.json';
/** Unreferenced chunks older than this are deleted at the next build. */
const CHUNK_KEEP_MS = 24 * 60 * 60 * 1000;
const THIS_SCRIPT = fileURLToPath(import.meta.url);

/** Output name → source. The names are what runner-spawner, run-worker and simulator-pty start. */
export const CLI_ENTRIES = {
  edgebench: 'src/cli/main.ts',
  runner: 'src/core/runner/runner-process.ts',
  worker: 'src/core/workers/worker-process.ts',
  'pty-board': 'src/core/targets/serial/simulator/pty-board-main.ts',
  'tflite-calibrate': 'src/core/workers/tflite-calibrate-process.ts',
  simulator: 'src/core/targets/serial/simulator/simulator-main.ts',
};

/**
 * Bundled code must see the same `import.meta.url` it sees from source: modules find resources/,
 * the Python runner script, out/renderer and the runner's own source relative to their own file.
 * So each occurrence becomes the URL of the module's source file, computed relative to the output
 * folder (out/cli and src/ move together, so a moved checkout still works).
 */
function sourceUrlPlugin(outDir, esbuild) {
  return {
    name: 'edgebench-source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const code = readFileSync(args.path, 'utf8');
        const relative = path.relative(outDir, args.path).split(path.sep).join('/');
        // esbuild's own define replaces the expression in the syntax tree (never inside a string).
        const transformed = await esbuild.transform(code, {
          loader: 'ts',
          format: 'esm',
          sourcefile: args.path,
          define: { 'import.meta.url': '__edgebenchSourceUrl' },
        });
        if (/\bimport\.meta\.(dirname|filename)\b/.test(transformed.code)) {
          return { errors: [{ text: `${path.relative(ROOT, args.path)} uses import.meta.dirname/filename; use import.meta.url (the CLI build rewrites only that).` }] };
        }
        const contents = transformed.code.includes('__edgebenchSourceUrl')
          ? `const __edgebenchSourceUrl = new URL(${JSON.stringify(relative)}, import.meta.url).href;\n${transformed.code}`
          : transformed.code;
        return { contents, loader: 'js' };
      });
    },
  };
}

/** Builds out/cli; returns what it wrote and how long it took. */
export async function buildCli({ outDir = CLI_OUT_DIR, log = () => undefined } = {}) {
  const started = performance.now();
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(CLI_ENTRIES).map(([name, source]) => [name, path.join(ROOT, source)])),
    outdir: outDir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    // Lets src/core/process-entries.ts tell a build from source.
    define: { __EDGEBENCH_BUILT__: 'true' },
    // Bundled CommonJS code (none today, but a dependency's may be inlined later) needs require().
    banner: { js: "import { createRequire as __edgebenchCreateRequire } from 'node:module'; const require = __edgebenchCreateRequire(import.meta.url);" },
    plugins: [sourceUrlPlugin(outDir, esbuild)],
  });
  mkdirSync(outDir, { recursive: true });
  const entryFiles = new Set(Object.keys(CLI_ENTRIES).flatMap((name) => [`${name}.js`, `${name}.js.map`]));
  const written = [];
  const later = [];
  for (const file of result.outputFiles) {
    const name = path.relative(outDir, file.path);
    if (entryFiles.has(name)) later.push(file);
    else if (existsSync(file.path)) touch(file.path);
    else writeAtomically(file.path, file.contents);
    written.push(name);
  }
  // Entries last: once one is in place, every chunk it imports is there.
  for (const file of later) writeAtomically(file.path, file.contents);
  writeAtomically(path.join(outDir, MANIFEST), JSON.stringify(manifestOf(result.metafile), null, 1));
  removeStaleChunks(outDir, new Set(written));
  const ms = performance.now() - started;
  log(`out/cli: ${written.filter((n) => n.endsWith('.js')).length} files built in ${ms.toFixed(0)} ms`);
  return { outDir, files: written, ms };
}

/** Every source file the build read, with what identifies its version, plus the builder itself. */
function manifestOf(metafile) {
  const inputs = Object.keys(metafile.inputs).map((input) => path.resolve(ROOT, input));
  inputs.push(THIS_SCRIPT, path.join(ROOT, 'node_modules', 'esbuild', 'package.json'));
  return { inputs: inputs.map((file) => ({ file: path.relative(ROOT, file), ...versionOf(file) })) };
}

function versionOf(file) {
  const info = statSync(file);
  return { size: info.size, mtimeMs: info.mtimeMs };
}

/**
 * Whether out/cli was built from the sources as they are now: every file the last build read is
 * unchanged (size and mtime). A new source file only matters once a read file imports it, which
 * changes that file. About 2 ms for 400 files.
 */
export function cliBuildIsFresh(outDir = CLI_OUT_DIR) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(outDir, MANIFEST), 'utf8'));
  } catch {
    return false;
  }
  if (!Object.keys(CLI_ENTRIES).every((name) => existsSync(path.join(outDir, `${name}.js`)))) return false;
  for (const input of manifest.inputs) {
    try {
      const now = versionOf(path.join(ROOT, input.file));
      if (now.size !== input.size || now.mtimeMs !== input.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Builds when out/cli is missing or older than its sources; true when it built. */
export async function ensureCliBuild(options = {}) {
  if (cliBuildIsFresh(options.outDir)) return false;
  await buildCli(options);
  return true;
}

function writeAtomically(file, contents) {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

function touch(file) {
  const now = new Date();
  utimesSync(file, now, now);
}

function removeStaleChunks(outDir, keep) {
  const now = Date.now();
  for (const name of readdirSync(outDir)) {
    if (keep.has(name) || name === MANIFEST) continue;
    const file = path.join(outDir, name);
    try {
      // Leftover temp files of a build that was killed, and chunks nothing has used for a day.
      if (now - statSync(file).mtimeMs > (name.endsWith('.tmp') ? 60_000 : CHUNK_KEEP_MS)) rmSync(file, { force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === THIS_SCRIPT) {
  if (process.argv.includes('--check')) {
    const fresh = cliBuildIsFresh();
    console.log(fresh ? 'out/cli is up to date.' : 'out/cli is missing or older than its sources: run `npm run build:cli`.');
    process.exitCode = fresh ? 0 : 1;
  } else {
    // --if-possible (the `prepare` script): an install must not fail because the CLI cannot be built
    // (no esbuild under --omit=dev, a work-in-progress tree); bin/edgebench.mjs builds on first use.
    const lenient = process.argv.includes('--if-possible');
    await buildCli({ log: (line) => console.log(line) }).catch((error) => {
      const errors = error?.errors ?? [];
      const reason = errors.length > 0 ? errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('\n') : String(error?.message ?? error);
      console.error(lenient ? `The CLI was not built now (${reason.split('\n')[0]}); \`edgebench\` builds it on first use.` : reason);
      process.exitCode = lenient ? 0 : 1;
    });
  }
}
