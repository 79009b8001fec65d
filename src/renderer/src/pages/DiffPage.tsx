import { DiffPicker, type DiffKind } from '../components/diff/DiffPicker';
import { ModelDiffView } from '../components/diff/ModelDiffView';
import { RunDiffView } from '../components/diff/RunDiffView';
import '../components/diff/diff.css';
import { useModels, useRunFiles, useRuns, useWorkspaceReady } from '../data/queries';
import { useRoute } from '../hooks/usePage';

interface Props {
  /** The two things compared: model ids (a model diff) or run ids (a per-op latency diff). */
  a: string;
  b: string;
}

/**
 * The page at #/diff/<a>/<b>: two models (what was added, removed and changed, node by node) or
 * two profiled runs (per-op latency delta), as a summary, a sortable table and an overlay on the
 * graph. Which of the two the ids name is looked up: models first, then runs.
 */
export function DiffPage({ a, b }: Props) {
  const { navigate } = useRoute();
  const ready = useWorkspaceReady();
  const models = useModels();
  const runs = useRuns();
  const modelA = models.find((m) => m.id === a) ?? null;
  const modelB = models.find((m) => m.id === b) ?? null;
  const isRuns = !(modelA && modelB) && runs.some((r) => r.id === a) && runs.some((r) => r.id === b);
  const [runA, runB] = useRunFiles(isRuns ? [a, b] : []);
  const kind: DiffKind = modelA && modelB ? 'models' : isRuns ? 'runs' : modelA || modelB ? 'models' : runs.some((r) => r.id === a || r.id === b) ? 'runs' : 'models';
  const missing = [a, b].filter((id) => !models.some((m) => m.id === id) && !runs.some((r) => r.id === id));

  return (
    <section className="page" aria-labelledby="diff-title" data-testid="diff-page" data-diff-kind={modelA && modelB ? 'models' : isRuns ? 'runs' : 'none'}>
      <header className="page-header">
        <div>
          <h1 id="diff-title">Diff</h1>
          <p className="page-sub">
            {kind === 'models' ? 'What changed from model A to model B, node by node.' : 'Per-op latency from run A to run B, from their onnxruntime profiles.'}
          </p>
        </div>
      </header>
      {ready && <DiffPicker key={`${a}|${b}|${kind}`} kind={kind} a={a} b={b} models={models} runs={runs} onPick={(x, y) => navigate({ page: 'diff', a: x, b: y })} />}
      {!ready && <p className="muted">Reading the workspace…</p>}
      {ready && a === b && <p className="graph-error" data-testid="diff-error">A and B are the same {kind === 'models' ? 'model' : 'run'}; pick another for B.</p>}
      {ready && missing.length > 0 && (
        <p className="graph-error" role="alert" data-testid="diff-error">
          This workspace has no model or run {missing.map((id) => `'${id}'`).join(' or ')}; pick two above.
        </p>
      )}
      {ready && missing.length === 0 && !(modelA && modelB) && !isRuns && (
        <p className="graph-error" role="alert" data-testid="diff-error">
          One of these is a model and the other a run; a diff takes two models or two runs, so pick them above.
        </p>
      )}
      {ready && a !== b && modelA && modelB && <ModelDiffView key={`${a}|${b}`} a={modelA} b={modelB} />}
      {ready && a !== b && isRuns && runA && runB && <RunDiffView key={`${a}|${b}`} runA={runA} runB={runB} />}
      {ready && isRuns && (!runA || !runB) && <p className="muted">Reading both runs…</p>}
    </section>
  );
}
