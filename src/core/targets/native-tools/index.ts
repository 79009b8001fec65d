/**
 * Native benchmark tools a board may have, one line each: how to find it, how to call it on a
 * model, and how to read what it printed. The SSH target runs the command on the board and hands
 * the output to parseNativeToolOutput; the result is shown beside the studio runner's own.
 */
import { StudioError } from '../../../shared/errors';
import { benchmarkModelCommand, parseBenchmarkModelOutput } from './benchmark-model';
import { NativeToolName, type NativeToolResult } from './native-result';
import { parsePerfTestOutput, perfTestCommand } from './perf-test';
import { parseTrtexecOutput, trtexecCommand } from './trtexec';

export * from './native-result';
export { benchmarkModelCommand, perfTestCommand, trtexecCommand };
export type { BenchmarkModelOptions } from './benchmark-model';
export type { PerfTestOptions } from './perf-test';
export type { TrtexecOptions } from './trtexec';

interface NativeTool {
  /** Where the tool lives when it is not on the PATH (JetPack puts trtexec under /usr/src/tensorrt/bin). */
  knownPaths: string[];
  /** The model formats it runs. */
  formats: Array<'tflite' | 'onnx' | 'engine'>;
  parse(raw: string): NativeToolResult;
}

export const nativeTools: Record<NativeToolName, NativeTool> = {
  benchmark_model: { knownPaths: [], formats: ['tflite'], parse: parseBenchmarkModelOutput },
  trtexec: { knownPaths: ['/usr/src/tensorrt/bin/trtexec'], formats: ['onnx', 'engine'], parse: parseTrtexecOutput },
  onnxruntime_perf_test: { knownPaths: [], formats: ['onnx'], parse: parsePerfTestOutput },
};

/** Parses one tool's output into the common result; throws RUNTIME when the tool did not finish measuring. */
export function parseNativeToolOutput(tool: NativeToolName, raw: string): NativeToolResult {
  return nativeTools[tool].parse(raw);
}

/** Quotes argv for a POSIX shell (what an SSH exec runs), so paths with spaces or quotes arrive intact. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * A POSIX sh script that prints "name<TAB>path" for each tool found on the PATH or at a known
 * location, and nothing for a missing one. Read its output with parseNativeToolProbe.
 */
export function nativeToolProbeScript(): string {
  return NativeToolName.options
    .map((name) => {
      const candidates = nativeTools[name].knownPaths.map((path) => `[ -x ${shellQuote([path])} ] && p=${shellQuote([path])}; `).join('');
      return `p=$(command -v ${name} 2>/dev/null) || { p=; ${candidates}}; [ -n "$p" ] && printf '%s\\t%s\\n' ${name} "$p"`;
    })
    .join('; ')
    .concat('; true');
}

/** The tools the probe script found, by name → absolute path. */
export function parseNativeToolProbe(output: string): Partial<Record<NativeToolName, string>> {
  const found: Partial<Record<NativeToolName, string>> = {};
  for (const line of output.split('\n')) {
    const [name, path] = line.split('\t');
    const tool = NativeToolName.safeParse(name);
    if (tool.success && path !== undefined && path.trim() !== '') found[tool.data] = path.trim();
  }
  return found;
}

/** The tools that can run a model of this format, among those found; e.g. 'tflite' → benchmark_model. */
export function toolsForFormat(format: 'tflite' | 'onnx' | 'engine', found: Partial<Record<NativeToolName, string>>): NativeToolName[] {
  return NativeToolName.options.filter((name) => nativeTools[name].formats.includes(format) && found[name] !== undefined);
}

/** Refuses a tool name that is not one of ours, naming the ones there are. */
export function nativeToolName(value: string): NativeToolName {
  const parsed = NativeToolName.safeParse(value);
  if (!parsed.success) throw new StudioError('BAD_INPUT', `'${value}' is not a native tool the studio knows; use one of ${NativeToolName.options.join(', ')}.`, { tool: value });
  return parsed.data;
}
