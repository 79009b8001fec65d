import { useQuery } from '@tanstack/react-query';
import type { ModelFormat } from '../../../../shared/model-info';
import { RUNTIMES, type RuntimeName } from '../../../../shared/plugins/runtimes';
import { RUNTIMES_FOR_FORMAT } from '../../../../shared/runtimes';
import { useApi } from '../../data/api-context';
import { uiErrorText } from '../../ui-messages';

/** The 'python:*' runtimes ticked; null while the option is off. */
export type PythonPicks = RuntimeName[] | null;

/** The implicit target's id in a job's targetIds. */
const THIS_COMPUTER = 'local';

/** The job's runtimes: the format's own runtime first, then the Python runtimes ticked that load it; undefined to leave the default. */
export function pythonRuntimesRequest(picks: PythonPicks, formats: readonly ModelFormat[]): RuntimeName[] | undefined {
  const format = formats.length === 1 ? formats[0] : undefined;
  if (picks === null || format === undefined) return undefined;
  const able = RUNTIMES_FOR_FORMAT[format];
  const extra = picks.filter((runtime) => able.includes(runtime));
  const own = able[0];
  return extra.length === 0 || own === undefined ? undefined : [own, ...extra];
}

interface Props {
  targetIds: readonly string[];
  /** The ticked models' formats, each once. */
  formats: readonly ModelFormat[];
  picks: PythonPicks;
  onChange: (picks: PythonPicks) => void;
}

/**
 * Native runtimes of the user's own Python on This computer (LiteRT, onnxruntime, OpenVINO, Arm NN),
 * run beside the studio's own as more cells: off by default, since finding them starts each Python
 * on the PATH once; on, the runtimes found are listed with the interpreter and what each accelerates with.
 */
export function PythonRuntimesOption({ targetIds, formats, picks, onChange }: Props) {
  const api = useApi();
  const on = picks !== null;
  const { data, error, isFetching } = useQuery({
    queryKey: ['pythonRuntimes'],
    queryFn: () => api.bench.pythonRuntimes({}),
    enabled: on,
    staleTime: 60_000,
  });
  if (!targetIds.includes(THIS_COMPUTER)) return null;
  const format = formats.length === 1 ? formats[0] : undefined;
  const offers = (data ?? []).filter((offer) => format !== undefined && RUNTIMES[offer.runtime].formats.includes(format));
  const toggle = (runtime: RuntimeName, ticked: boolean): void => onChange(ticked ? [...(picks ?? []), runtime] : (picks ?? []).filter((r) => r !== runtime));
  return (
    <fieldset className="field python-runtimes-field" data-testid="bench-python-runtimes">
      <label className="checkbox" title="Your own Python's inference modules, run by the studio's Python runner over the same protocol as a board's">
        <input type="checkbox" checked={on} data-testid="bench-python-toggle" onChange={(e) => onChange(e.currentTarget.checked ? [] : null)} />
        Native Python runtimes <span className="muted">(This computer's own Python, as more cells, each labelled with what ran; a board in the job runs them in its Python)</span>
      </label>
      {on && format === undefined && (
        <p className="field-hint" data-testid="bench-python-one-format">
          Tick models of one format to add Python runtimes: each runtime loads its own formats.
        </p>
      )}
      {on && isFetching && data === undefined && <p className="field-hint muted">Asking each Python on this computer…</p>}
      {on && error !== null && error !== undefined && (
        <p className="field-hint invalid" data-testid="bench-python-error">
          {uiErrorText(error)}
        </p>
      )}
      {on && data !== undefined && format !== undefined && offers.length === 0 && (
        <p className="field-hint" data-testid="bench-python-none">
          No Python on this computer has a native runtime for {format} models (ai_edge_litert or tflite_runtime, onnxruntime, openvino, pyarmnn).
        </p>
      )}
      {on &&
        offers.map((offer) => (
          <label key={offer.runtime} className="checkbox" data-testid="bench-python-runtime" data-runtime={offer.runtime}>
            <input type="checkbox" checked={picks.includes(offer.runtime)} onChange={(e) => toggle(offer.runtime, e.currentTarget.checked)} />
            {offer.label} <span className="muted">{offer.version} · Python {offer.pythonVersion} at {offer.python}{offer.accelerators.length > 0 ? ` · has ${offer.accelerators.join(', ')}` : ''}</span>
          </label>
        ))}
    </fieldset>
  );
}
