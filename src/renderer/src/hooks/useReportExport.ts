import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import type { ReportFormat, StudioApi } from '../../../shared/contract';
import { toErrorData, type ErrorData } from '../../../shared/errors';
import { useApi } from '../data/api-context';

export type ReportRequest = Parameters<StudioApi['reports']['render']>[0];
export type ReportFileData = Awaited<ReturnType<StudioApi['reports']['render']>>['files'][number];

export type ReportExportStatus = 'rendering' | 'ready' | 'error' | 'stopped';

export interface ReportExport {
  status: ReportExportStatus;
  /** The files of the current options when ready; while rendering or stopped, the last ones shown (the page dims them). */
  files: ReportFileData[] | null;
  /** The format `files` are in (it lags behind the options while rendering). */
  filesFormat: ReportFormat | null;
  error: ErrorData | null;
  /** Drops the render under way (the engine finishes it, its result is ignored). */
  stop: () => void;
  /** Renders the current options again after a stop or an error. */
  retry: () => void;
}

/** Typing a title re-renders once the typing pauses, not on every key. */
export const PREVIEW_DELAY_MS = 350;
/** Switching back to a format seen a moment ago is instant; an HTML report with many samples is a few MB. */
const CACHED_RESULTS = 6;

interface Shown {
  /** The options these files or this error belong to; null after a retry. */
  key: string | null;
  status: 'ready' | 'error';
  files: ReportFileData[] | null;
  filesFormat: ReportFormat | null;
  error: ErrorData | null;
}

function requestKey(request: ReportRequest): string {
  return JSON.stringify([request.runIds, request.format, request.baselineId ?? null, request.title ?? null]);
}

/**
 * The report for `request`, rendered by the engine (`reports.render`) whenever the options settle
 * for `delayMs`; a result for options since changed is kept for later but not shown.
 * The status is derived from the options during render, so it never says "ready" for files of
 * options the user already changed.
 */
export function useReportExport(request: ReportRequest, delayMs = PREVIEW_DELAY_MS): ReportExport {
  const api = useApi();
  const key = requestKey(request);
  // Results by options, for the hook's life: filled by the effect, read while rendering.
  const [cache] = useState(() => new Map<string, ReportFileData[]>());
  // Reads the options of the latest render; `key` says when they changed.
  const render = useEffectEvent(() => ({ format: request.format, files: api.reports.render(request) }));
  const [stoppedKey, setStoppedKey] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [shown, setShown] = useState<Shown>({ key: null, status: 'ready', files: null, filesFormat: null, error: null });

  useEffect(() => {
    const hit = cache.get(key);
    if (hit || stoppedKey === key) return;
    let live = true;
    const timer = setTimeout(() => {
      const { format, files } = render();
      files.then(
        (result) => {
          cache.set(key, result.files);
          for (const old of cache.keys()) {
            if (cache.size <= CACHED_RESULTS) break;
            cache.delete(old);
          }
          if (live) setShown({ key, status: 'ready', files: result.files, filesFormat: format, error: null });
        },
        (error: unknown) => {
          if (live) setShown({ key, status: 'error', files: null, filesFormat: null, error: toErrorData(error) });
        },
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [cache, key, delayMs, stoppedKey, attempt]);

  const stop = useCallback(() => setStoppedKey(key), [key]);
  const retry = useCallback(() => {
    setStoppedKey(null);
    setShown((previous) => ({ ...previous, key: null }));
    setAttempt((n) => n + 1);
  }, []);

  const cached = cache.get(key);
  if (cached && shown.key !== key) {
    // Options seen before: their files show at once, and a later render dims these, not older ones.
    const now: Shown = { key, status: 'ready', files: cached, filesFormat: request.format, error: null };
    setShown(now);
    return { ...now, stop, retry };
  }
  if (shown.key === key) return { ...shown, stop, retry };
  const last = { files: shown.files, filesFormat: shown.filesFormat };
  return { status: stoppedKey === key ? 'stopped' : 'rendering', ...last, error: null, stop, retry };
}
