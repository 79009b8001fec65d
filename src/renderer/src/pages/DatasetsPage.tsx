import { useState } from 'react';
import type { DatasetEntry } from '../../../shared/contract';
import { DatasetImport } from '../components/datasets/DatasetImport';
import { DatasetTable } from '../components/datasets/DatasetTable';
import '../components/datasets/datasets.css';
import { PreprocessingPanel } from '../components/datasets/PreprocessingPanel';
import { ConfirmRemove } from '../components/housekeeping/ConfirmRemove';
import { useWorkspaceChange, workspaceChanges } from '../data/mutations';
import { useDatasets } from '../data/queries';

interface Props {
  onError: (error: unknown) => void;
}

/** Labeled data for calibration and accuracy: the demo digits, and what the user imports, with each one's preprocessing. */
export function DatasetsPage({ onError }: Props) {
  const { datasets, ready } = useDatasets();
  const [freshId, setFreshId] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [removing, setRemoving] = useState<DatasetEntry | null>(null);
  const { mutateAsync: removeDataset } = useWorkspaceChange(workspaceChanges.removeDataset);
  const selected = datasets.find((d) => d.id === selectedId) ?? datasets[0] ?? null;
  return (
    <section className="page" aria-labelledby="datasets-title" data-testid="datasets-page">
      <header className="page-header">
        <div>
          <h1 id="datasets-title">Datasets</h1>
          <p className="page-sub">Calibrate static int8 variants and measure accuracy. Each dataset is a folder in the workspace&apos;s datasets/.</p>
        </div>
      </header>
      {ready && datasets.length === 0 ? (
        <div className="empty" data-testid="datasets-empty">
          <h2>No datasets in this workspace yet</h2>
          <p>
            Import a folder with one sub-folder of images per class (<code>digits/0/*.png</code>, <code>digits/1/*.png</code>, …),
            or a .npy/.npz/.csv tensor file, below. Models are then evaluated on it on the Accuracy page.
          </p>
        </div>
      ) : (
        <DatasetTable datasets={datasets} freshId={freshId} selectedId={selected?.id ?? null} onSelect={setSelectedId} onRemove={setRemoving} />
      )}
      {selected && <PreprocessingPanel key={selected.id} dataset={selected} onError={onError} />}
      <DatasetImport
        onImported={(entry) => {
          setFreshId(entry.id);
          setSelectedId(entry.id);
        }}
      />
      {removing && (
        <ConfirmRemove
          title="Remove this dataset?"
          items={[{ key: removing.id, label: `${removing.name} · ${removing.samples.toLocaleString('en-US')} samples`, detail: `datasets/${removing.id}` }]}
          onConfirm={async () => {
            await removeDataset({ id: removing.id });
          }}
          onClose={() => setRemoving(null)}
        >
          <p className="muted">Models, their variants and runs stay; evaluations already made on it stay on the Accuracy page.</p>
        </ConfirmRemove>
      )}
    </section>
  );
}
