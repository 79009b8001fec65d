import { BreakableText } from '../BreakableText';
import { useState } from 'react';
import type { DatasetEntry, ModelEntry } from '../../../../shared/contract';
import { formatLabel, type NetworkAgreement, type NetworkSuggestion } from '../../../../shared/networks';
import { useApi } from '../../data/api-context';
import { useWorkspaceChange } from '../../data/mutations';
import { networkChanges, useNetworkSuggestions, useNetworks } from '../../data/network-queries';
import { useTargets } from '../../data/queries';
import { useTask } from '../../hooks/useTask';
import { distinctModelLabels } from '../../model-labels';
import { isMicrocontroller } from '../../target-kind-view';
import { AgreementTable } from './AgreementTable';
import { formatRuntimeLabel, linkCandidates, networkOf } from './formats-view';
import './networks.css';

interface Props {
  model: ModelEntry;
  models: readonly ModelEntry[];
  datasets: readonly DatasetEntry[];
  onSelect: (id: string) => void;
  /** Benchmarks these models (a network's formats) on these targets; absent where no job can start. */
  onBenchmark?: (modelIds: string[], targetIds: string[]) => void;
  benchBusy?: boolean;
  onError: (error: unknown) => void;
}

/**
 * The formats of the network a model belongs to (its ONNX, TFLite and TF.js files), or a way to
 * link it: the engine's suggestion by structure, with its reasons, or "Same network as…". A
 * suggestion is applied only by the user; "Check outputs" runs every format on the same seeded
 * inputs first.
 */
export function FormatsPanel({ model, models, datasets, onSelect, onBenchmark, benchBusy = false, onError }: Props) {
  const api = useApi();
  const networks = useNetworks();
  const suggestions = useNetworkSuggestions();
  const { mutateAsync: link } = useWorkspaceChange(networkChanges.link);
  const { mutateAsync: unlink } = useWorkspaceChange(networkChanges.unlink);
  const task = useTask('formats');
  const [agreement, setAgreement] = useState<NetworkAgreement | null>(null);
  const [other, setOther] = useState('');
  const [datasetId, setDatasetId] = useState('');
  // Boards that run only TFLite Micro would fail the other formats' cells: a network runs where every format can.
  const targets = useTargets().filter((t) => !isMicrocontroller(t));
  const [benchTargets, setBenchTargets] = useState<string[]>(['local']);
  if (model.origin !== null) return null;
  const chosenTargets = benchTargets.filter((id) => targets.some((t) => t.id === id));

  const network = networkOf(networks, model.id);
  const suggestion = suggestions.find((s) => s.modelIds.includes(model.id)) ?? null;
  const candidates = linkCandidates(model, models, networks);
  const candidateLabels = distinctModelLabels(candidates, { base: (c) => `${c.name} (${formatLabel(c.info.format)})`, omit: ['format'] });
  const chosen = candidates.some((c) => c.id === other) ? other : '';
  const labelled = datasets.filter((d) => d.labeled);
  const dataset = labelled.find((d) => d.id === datasetId)?.id ?? labelled[0]?.id ?? '';
  const nameOf = (id: string): string => models.find((m) => m.id === id)?.name ?? id;

  const act = async (message: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await task.run(message, work);
    } catch (error) {
      onError(error);
    }
  };
  const check = (request: { networkId: string } | { modelIds: string[] }): Promise<void> =>
    act('Running every format on the same seeded inputs…', async () => setAgreement(await api.networks.check(request)));
  const linkModels = (modelIds: string[], name?: string): Promise<void> =>
    act('Linking…', async () => {
      await link({ modelIds, ...(name ? { name } : {}) });
      setOther('');
    });

  return (
    <section className="card formats-panel" data-testid="formats-panel" aria-label={`Formats of ${model.name}`}>
      <h3 className="section-title">
        Formats{' '}
        {network ? (
          <span className="muted">of the network {network.name}</span>
        ) : (
          <span className="muted">
            of <BreakableText text={model.name} />
          </span>
        )}
      </h3>
      {network ? (
        <>
          <ul className="network-members" data-testid="network-members" data-network-id={network.id}>
            {network.members.map((member) => (
              <li key={member.modelId} data-testid="network-member" data-model-id={member.modelId} data-format={member.format}>
                <span className={`format format-${member.format}`}>{formatLabel(member.format)}</span>
                <button type="button" className="link-button" onClick={() => onSelect(member.modelId)} disabled={member.modelId === model.id}>
                  {member.name}
                </button>
                <span className="muted">runs in {formatRuntimeLabel(member.format, member.runtime).replace(/^\S+ in /, '')}</span>
                <button
                  type="button"
                  className="button tiny"
                  data-testid="network-unlink"
                  title={`Take ${member.name} out of the network (the model stays)`}
                  disabled={task.busy}
                  onClick={() => void act('Unlinking…', () => unlink({ modelId: member.modelId }))}
                >
                  Unlink
                </button>
              </li>
            ))}
          </ul>
          {network.missing.length > 0 && <p className="muted">Linked but no longer in the workspace: {network.missing.join(', ')}.</p>}
          <div className="form-row formats-actions">
            {onBenchmark && targets.length > 1 && (
              <fieldset className="field network-bench-targets">
                <legend className="field-label">On</legend>
                {targets.map((t) => (
                  <label key={t.id} className="checkbox">
                    <input
                      type="checkbox"
                      data-testid="network-bench-target"
                      value={t.id}
                      checked={chosenTargets.includes(t.id)}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setBenchTargets((ids) => (on ? [...ids.filter((id) => id !== t.id), t.id] : ids.filter((id) => id !== t.id)));
                      }}
                    />
                    {t.name}
                  </label>
                ))}
              </fieldset>
            )}
            {onBenchmark && (
              <button
                type="button"
                className="button primary"
                data-testid="network-bench"
                disabled={benchBusy || chosenTargets.length === 0}
                title="Every format with its own runtime, on each target ticked: the job's grid shows them side by side"
                onClick={() => onBenchmark(network.members.map((m) => m.modelId), chosenTargets)}
              >
                Benchmark every format
              </button>
            )}
            <button type="button" className="button" data-testid="network-check" disabled={task.busy} onClick={() => void check({ networkId: network.id })}>
              Check outputs agree
            </button>
            <label className="field">
              <span className="field-label">Dataset</span>
              <select value={dataset} onChange={(e) => setDatasetId(e.currentTarget.value)} data-testid="network-dataset" disabled={labelled.length === 0}>
                {labelled.length === 0 && <option value="">No labelled dataset</option>}
                {labelled.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="button"
              data-testid="network-evaluate"
              disabled={task.busy || dataset === ''}
              onClick={() => void act('Evaluating every format on the dataset…', async () => setAgreement(await api.networks.evaluate({ networkId: network.id, datasetId: dataset })))}
            >
              Evaluate every format
            </button>
          </div>
        </>
      ) : (
        <>
          {suggestion && <Suggestion suggestion={suggestion} nameOf={nameOf} busy={task.busy} onCheck={() => void check({ modelIds: suggestion.modelIds })} onLink={() => void linkModels(suggestion.modelIds, suggestion.name)} />}
          <div className="form-row">
            <label className="field grow">
              <span className="field-label">Same network as…</span>
              <select value={chosen} onChange={(e) => setOther(e.currentTarget.value)} data-testid="network-link-select" disabled={candidates.length === 0}>
                <option value="">{candidates.length === 0 ? 'No model of another format to link' : 'Choose the same network in another format…'}</option>
                {candidates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {candidateLabels.get(c.id)}
                  </option>
                ))}
              </select>
            </label>
            <div className="field actions">
              <button type="button" className="button" data-testid="network-link-button" disabled={!chosen || task.busy} onClick={() => void linkModels([model.id, chosen])}>
                Link formats
              </button>
            </div>
          </div>
        </>
      )}
      {task.busy && task.message && (
        <p className="muted" role="status" data-testid="formats-progress">
          {task.message}
        </p>
      )}
      {agreement && <AgreementTable agreement={agreement} />}
    </section>
  );
}

function Suggestion({ suggestion, nameOf, busy, onCheck, onLink }: { suggestion: NetworkSuggestion; nameOf: (id: string) => string; busy: boolean; onCheck: () => void; onLink: () => void }) {
  return (
    <div className="network-suggestion" data-testid="network-suggestion">
      <p>
        {suggestion.networkId ? `Looks like more formats of the network ${suggestion.name}: ` : 'These look like one network in several formats: '}
        <strong>{suggestion.modelIds.map(nameOf).join(', ')}</strong>. Nothing is linked until you say so.
      </p>
      <ul className="suggestion-reasons" data-testid="suggestion-reasons">
        {suggestion.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <div className="form-row">
        <button type="button" className="button" data-testid="suggestion-check" disabled={busy} onClick={onCheck}>
          Check outputs agree
        </button>
        <button type="button" className="button primary" data-testid="suggestion-link" disabled={busy} onClick={onLink}>
          Link as one network
        </button>
      </div>
    </div>
  );
}
