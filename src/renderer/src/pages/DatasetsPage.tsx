import { useState } from 'react';
import { DatasetImport } from '../components/datasets/DatasetImport';
import { DatasetTable } from '../components/datasets/DatasetTable';
import { useDatasets } from '../data/queries';

interface Props {
  onError: (error: unknown) => void;
}

/** Labeled data for calibration and accuracy: the demo digits, and what the user imports. */
export function DatasetsPage({ onError }: Props) {
  const { datasets, ready } = useDatasets();
  const [freshId, setFreshId] = useState<string | null>(null);
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
        <DatasetTable datasets={datasets} freshId={freshId} />
      )}
      <DatasetImport onImported={(entry) => setFreshId(entry.id)} onError={onError} />
    </section>
  );
}
