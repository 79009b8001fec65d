/**
 * The board's own benchmark tools on the model file the studio just measured there: which tools
 * apply (found by the probe, able to run the format), their command lines from the run's
 * settings, running each one over SSH after the studio's runner has exited (so they never compete),
 * and their parsed results, or a warning saying why a tool gave none. A tool never fails the run:
 * the studio runner's numbers stand on their own.
 */
import { StudioError } from '../../../shared/errors';
import type { ModelFormat } from '../../../shared/model-info';
import { NATIVE_RAW_MAX_CHARS, type BenchSettings, type NativeToolName, type NativeToolResult, type RunWarning } from '../../../shared/run-schema';
import { benchmarkModelCommand, parseNativeToolOutput, perfTestCommand, toolsForFormat, trtexecCommand } from '../native-tools';
import type { SshProbe } from './probe-parse';
import { shellQuote } from './sftp-cache';
import { stopChannel, type SshConnection } from './ssh-connection';
import { connectionLost } from './ssh-errors';

/** Every tool gets this long on top of its runs: loading the model, and a slow board's start-up. */
const BASE_TIMEOUT_MS = 120_000;
/** A tool's runs may be this much slower than the studio's (other threads, another backend) before it is given up. */
const SLOWER_THAN_STUDIO_ALLOWANCE = 10;
/** trtexec builds an engine from the ONNX file first; a Jetson Nano takes minutes for a mid-size CNN. */
const TRTEXEC_BUILD_ALLOWANCE_MS = 20 * 60_000;
/** Output kept while a tool runs (its results come last, so the end is kept); trtexec --verbose can print megabytes. */
const OUTPUT_KEEP_BYTES = 2 * 1024 * 1024;
const PID_LINE = /^edgebench-tool-pid=(\d+)$/m;

export interface NativeToolPlan {
  tool: NativeToolName;
  argv: string[];
  timeoutMs: number;
}

/** The tools to run on `remoteModel` with the run's settings; `studioMeanMs` (the studio's mean latency) sizes their timeouts. */
export function nativeToolPlans(found: SshProbe['nativeTools'], format: ModelFormat, remoteModel: string, settings: BenchSettings, studioMeanMs: number): NativeToolPlan[] {
  if (format === 'tfjs') return [];
  const runsMs = (settings.runs + settings.warmupRuns + 1) * studioMeanMs * SLOWER_THAN_STUDIO_ALLOWANCE;
  const timeoutMs = BASE_TIMEOUT_MS + settings.warmupMinTimeMs + Math.max(settings.minTimeMs, runsMs);
  return toolsForFormat(format, found).map((tool): NativeToolPlan => {
    const binary = found[tool];
    switch (tool) {
      case 'benchmark_model':
        return {
          tool,
          timeoutMs,
          argv: benchmarkModelCommand(remoteModel, {
            binary,
            threads: settings.threads,
            runs: settings.runs,
            warmup: settings.warmupRuns,
            minTimeMs: settings.minTimeMs,
            warmupMinTimeMs: settings.warmupMinTimeMs,
            maxTimeMs: settings.maxTimeMs,
            // The run's per-op profile where the studio's runner has none (TFLite): the tool runs after
            // the runner, so its profiler's cost (two timestamps per node) never touches the studio's numbers.
            opProfiling: settings.profileRuns > 0,
            reportPeakMemory: true,
          }),
        };
      case 'trtexec':
        return { tool, timeoutMs: timeoutMs + TRTEXEC_BUILD_ALLOWANCE_MS, argv: trtexecCommand(remoteModel, { binary, runs: settings.runs, warmupMs: settings.warmupMinTimeMs || undefined }) };
      case 'onnxruntime_perf_test':
        return { tool, timeoutMs, argv: perfTestCommand(remoteModel, { binary, runs: settings.runs, threads: settings.threads }) };
    }
  });
}

export interface NativeToolsOutcome {
  results: NativeToolResult[];
  /** One per tool that gave no result (failed, timed out, link lost, cancelled). */
  warnings: RunWarning[];
}

/** Runs the planned tools one after another; never rejects for a tool's failure, only records it. */
export async function runNativeTools(conn: SshConnection, plans: NativeToolPlan[], signal?: AbortSignal): Promise<NativeToolsOutcome> {
  const outcome: NativeToolsOutcome = { results: [], warnings: [] };
  for (const plan of plans) {
    const command = plan.argv.map(shellQuote).join(' ');
    const failed = (why: string): void => {
      outcome.warnings.push({
        code: 'native-tool-failed',
        message: `${plan.tool} on ${conn.target.name} gave no result (${why.replace(/\.$/, '')}); the studio runner's numbers are unaffected. The command was: ${command}`,
      });
    };
    if (signal?.aborted) {
      failed('the benchmark was cancelled before it ran');
      continue;
    }
    try {
      const ran = await runOnBoard(conn, plan, signal);
      if (ran.stopped === 'cancelled') failed('it was stopped because the benchmark was cancelled');
      else if (ran.stopped === 'timeout') failed(`it did not finish within ${Math.round(plan.timeoutMs / 1000)} s and was stopped`);
      else outcome.results.push({ ...parseNativeToolOutput(plan.tool, ran.output), command, raw: truncateRaw(ran.output) });
    } catch (error) {
      if (!(error instanceof StudioError)) throw error;
      failed(error.message);
    }
  }
  return outcome;
}

/** A tool's output cut to NATIVE_RAW_MAX_CHARS: its head (the settings it used) and its end (the results). */
export function truncateRaw(raw: string, maxChars = NATIVE_RAW_MAX_CHARS): string {
  if (raw.length <= maxChars) return raw;
  const marker = `\n… ${raw.length - maxChars} characters cut …\n`;
  const head = Math.floor(maxChars / 5);
  return raw.slice(0, head) + marker + raw.slice(raw.length - (maxChars - head - marker.length));
}

interface BoardRun {
  /** stdout and stderr together, as a user sees them in a terminal. */
  output: string;
  stopped?: 'timeout' | 'cancelled';
}

/**
 * One tool on the board. The shell prints its pid before exec'ing the tool, so a timeout or a
 * cancel kills the tool itself (closing the channel alone leaves it running on some sshds).
 */
function runOnBoard(conn: SshConnection, plan: NativeToolPlan, signal: AbortSignal | undefined): Promise<BoardRun> {
  const script = `echo edgebench-tool-pid=$$ >&2; exec ${plan.argv.map(shellQuote).join(' ')} 2>&1`;
  return conn.openChannel(`sh -c ${shellQuote(script)}`, `starting ${plan.tool}`).then(
    (channel) =>
      new Promise<BoardRun>((resolve, reject) => {
        const output: Buffer[] = [];
        let outputBytes = 0;
        let stderr = '';
        let settled = false;
        const finish = (stopped?: BoardRun['stopped'], error?: StudioError): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          unsubscribe();
          if (error !== undefined) return reject(error);
          const text = Buffer.concat(output).toString('utf8');
          const extra = stderr.replace(PID_LINE, '').trim();
          resolve({ output: extra === '' ? text : `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${extra}\n`, ...(stopped !== undefined ? { stopped } : {}) });
        };
        const stop = (why: 'timeout' | 'cancelled'): void => {
          stopChannel(channel);
          const pid = PID_LINE.exec(stderr)?.[1];
          if (pid !== undefined && conn.lost === null) {
            void conn.exec(`kill -KILL ${pid} 2>/dev/null; true`, { timeoutMs: 10_000, what: `stopping ${plan.tool}` }).catch(() => undefined);
          }
          finish(why);
        };
        const onAbort = (): void => stop('cancelled');
        const timer = setTimeout(() => stop('timeout'), plan.timeoutMs);
        const unsubscribe = conn.onLost((reason) => finish(undefined, connectionLost(conn.target, `running ${plan.tool}`, reason)));
        signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (chunk: Buffer) => {
          output.push(chunk);
          outputBytes += chunk.length;
          while (outputBytes > OUTPUT_KEEP_BYTES && output.length > 1) outputBytes -= (output.shift() as Buffer).length;
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        channel.on('close', () => finish());
        channel.end();
        if (signal?.aborted) onAbort();
      }),
  );
}
