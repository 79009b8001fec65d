import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import type { ModelGraph } from '../../../../shared/model-graph';
import type { TriageSession } from '../../../../shared/triage';
import { useApi } from '../../data/api-context';
import { useDatasets, useModels } from '../../data/queries';
import { formatDate } from '../../format';
import type { GraphOverlay } from './graph-overlay';
import { triageOverlay } from './overlay-builders';

/** The samples per-layer SQNR is measured on: the Accuracy page's triage panel measures on as many. */
const SQNR_SAMPLES = 50;
/** The Accuracy page's triage panel keeps the sessions under this key too, and refreshes it when a triage step ends. */
const SESSIONS_KEY = ['triage', 'sessions'] as const;

interface Props {
  model: ModelEntry;
  graph: ModelGraph;
  onOverlay: (overlay: GraphOverlay | null) => void;
}

/** The triage chains this model is part of: as the float model they refine, or as one of their steps. */
function sessionsOf(sessions: readonly TriageSession[], modelId: string): TriageSession[] {
  return sessions.filter((s) => s.parentId === modelId || s.steps.some((step) => step.variantId === modelId));
}

function stepTitle(session: TriageSession, index: number): string {
  const step = session.steps[index]!;
  const what = index === 0 ? 'start' : `+ ${step.added.join(', ')}`;
  return `step ${index + 1} of ${session.steps.length} (${what})`;
}

/** Each kept layer's step: the first step whose exclude list has it (1-based). */
function keptSince(session: TriageSession): Map<string, number> {
  const at = new Map<string, number>();
  session.steps.forEach((step, index) => {
    for (const name of step.exclude) if (!at.has(name)) at.set(name, index + 1);
  });
  return at;
}

/**
 * The triage overlay's picker: one step of a triage chain of this model (the Accuracy page's
 * "Keep in float and compare"), painted as the per-layer SQNR of that step's variant, measured on
 * the chain's dataset when the overlay is chosen, with the layers the step keeps in float marked.
 * On a step's own graph that step is chosen first; on the float model's graph, the newest step.
 */
export function TriageOverlayControls({ model, graph, onOverlay }: Props) {
  const api = useApi();
  const models = useModels();
  const { datasets } = useDatasets();
  const list = useQuery({ queryKey: SESSIONS_KEY, queryFn: () => api.triage.list({}) });
  const sessions = useMemo(() => sessionsOf(list.data?.sessions ?? [], model.id), [list.data, model.id]);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [stepChoice, setStepChoice] = useState<number | null>(null);
  const session = sessions.find((s) => s.id === sessionId) ?? sessions[0] ?? null;
  const ownStep = session ? session.steps.findIndex((s) => s.variantId === model.id) : -1;
  const stepIndex = session ? Math.min(stepChoice ?? (ownStep >= 0 ? ownStep : session.steps.length - 1), session.steps.length - 1) : -1;
  const step = session?.steps[stepIndex] ?? null;
  const datasetName = datasets.find((d) => d.id === session?.datasetId)?.name ?? session?.datasetId ?? '';

  const sqnr = useQuery({
    queryKey: ['graph-triage-sqnr', step?.variantId ?? '', session?.datasetId ?? '', SQNR_SAMPLES],
    queryFn: () => api.evals.layerSqnr({ modelId: step?.variantId ?? '', datasetId: session?.datasetId ?? '', samples: SQNR_SAMPLES }),
    enabled: step !== null && session !== null,
    staleTime: Infinity,
    retry: false,
    meta: { errorsShownInPlace: true },
  });

  const overlay = useMemo((): GraphOverlay | null => {
    if (!session || !step) return null;
    const variantName = models.find((m) => m.id === step.variantId)?.name ?? step.variantName;
    return triageOverlay(graph, {
      layers: sqnr.data ?? (sqnr.isError ? [] : null),
      keptFloat: step.exclude,
      keptAt: keptSince(session),
      stepName: `${stepTitle(session, stepIndex)}, SQNR of ${variantName} on ${datasetName}`,
    });
  }, [session, step, stepIndex, sqnr.data, sqnr.isError, graph, models, datasetName]);
  useEffect(() => onOverlay(overlay), [overlay, onOverlay]);

  if (list.isPending) return <span className="muted">Reading the triage chains…</span>;
  if (sessions.length === 0) {
    return (
      <span className="muted" data-testid="graph-overlay-unavailable">
        No triage of this model yet: on the Accuracy page, measure per-layer SQNR of its static int8 variant, pick layers and press Keep in float and compare.
      </span>
    );
  }
  return (
    <>
      {sessions.length > 1 && (
        <select value={session?.id ?? ''} aria-label="Triage chain shown" data-testid="graph-overlay-triage" onChange={(e) => {
            setSessionId(e.currentTarget.value);
            setStepChoice(null);
          }}
        >
          {sessions.map((s) => (
            <option key={s.id} value={s.id}>
              {`Triage of ${formatDate(s.createdAt)} (${s.steps.length} steps)`}
            </option>
          ))}
        </select>
      )}
      {session && (
        <select value={stepIndex} aria-label="Triage step shown" data-testid="graph-overlay-triage-step" onChange={(e) => setStepChoice(Number(e.currentTarget.value))}>
          {session.steps.map((s, index) => (
            <option key={s.variantId} value={index}>
              {stepTitle(session, index)}
            </option>
          ))}
        </select>
      )}
      {sqnr.isFetching && (
        <span className="muted" data-testid="graph-overlay-measuring">
          Measuring per-layer SQNR on {SQNR_SAMPLES} samples of {datasetName}…
        </span>
      )}
      {sqnr.isError && (
        <span className="graph-error" role="alert">
          {sqnr.error instanceof Error ? sqnr.error.message : String(sqnr.error)}
        </span>
      )}
    </>
  );
}
