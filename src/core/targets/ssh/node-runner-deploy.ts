/**
 * Puts the studio's Node runner on a board: onnxruntime-node (its JavaScript and the native files
 * for the board's arch, plus onnxruntime-common) once per version and arch, and the bundled
 * runner beside it once per build. Node resolves `onnxruntime-node` from the runner's folder.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { nodeRunnerBundle, onnxruntimeNodePackage } from './node-runner-bundle';
import type { SshProbe } from './probe-parse';
import { uploadFileAt, uploadTreeToCache, type TreeFile } from './sftp-cache';
import type { SshConnection } from './ssh-connection';
import type { RemoteRunner } from './ssh-spawner';

export interface DeployedRunner extends RemoteRunner {
  /** Whether anything had to be sent (false: the board had this runner already). */
  uploaded: boolean;
}

export async function deployNodeRunner(conn: SshConnection, probe: SshProbe, cacheDir: string): Promise<DeployedRunner> {
  const node = probe.node;
  if (node === null) throw new StudioError('INTERNAL', `deployNodeRunner was called for ${conn.target.name}, which has no Node.`);
  const ort = onnxruntimeNodePackage();
  const arch = probe.hardware.arch;
  const runnerDir = posix.join(cacheDir, 'node-runner', `onnxruntime-node-${ort.version}-linux-${arch}`);
  const files = await onnxruntimeFiles(ort, arch);
  const tree = await uploadTreeToCache(conn, files, runnerDir);

  const bundle = await nodeRunnerBundle();
  // Named by content, so every deploy of this build reuses one local copy instead of leaving more behind.
  const localBundle = join(tmpdir(), `edgebench-node-runner-${bundle.sha256.slice(0, 16)}.mjs`);
  await writeFile(localBundle, bundle.code);
  const runnerPath = posix.join(runnerDir, `runner-${bundle.sha256.slice(0, 16)}.mjs`);
  const script = await uploadFileAt(conn, localBundle, runnerPath);
  return {
    kind: 'node',
    argv: [node.path, runnerPath],
    description: `the studio's Node runner (onnxruntime-node ${ort.version} on Node ${node.version}, ${arch})`,
    uploaded: tree.uploaded || script.uploaded,
  };
}

/** What onnxruntime-node needs at run time on linux/<arch>: its JS, its native files, onnxruntime-common's CommonJS build. */
async function onnxruntimeFiles(ort: ReturnType<typeof onnxruntimeNodePackage>, arch: string): Promise<TreeFile[]> {
  const nativeDirs = (await readdir(join(ort.dir, 'bin'))).filter((name) => name.startsWith('napi-v')).map((name) => join(ort.dir, 'bin', name, 'linux', arch));
  const groups: Array<{ root: string; dirs: string[]; into: string; keep: (name: string) => boolean }> = [
    { root: ort.dir, dirs: [join(ort.dir, 'dist'), ...nativeDirs], into: 'node_modules/onnxruntime-node', keep: (name) => !name.endsWith('.map') && !name.endsWith('.d.ts') },
    { root: ort.commonDir, dirs: [join(ort.commonDir, 'dist', 'cjs')], into: 'node_modules/onnxruntime-common', keep: (name) => !name.endsWith('.map') && !name.endsWith('.d.ts') },
  ];
  const files: TreeFile[] = [];
  for (const group of groups) {
    files.push({ localPath: join(group.root, 'package.json'), relativePath: `${group.into}/package.json` });
    for (const dir of group.dirs) {
      for (const path of await listFiles(dir)) {
        if (group.keep(path)) files.push({ localPath: path, relativePath: posix.join(group.into, relative(group.root, path).split('\\').join('/')) });
      }
    }
  }
  if (!files.some((file) => file.relativePath.endsWith('onnxruntime_binding.node'))) {
    throw new StudioError('RUNNER', `onnxruntime-node ${ort.version} in '${ort.dir}' has no native files for linux ${arch}; the Node runner cannot run on this board (use the Python runner).`, {
      arch,
    });
  }
  return files;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
