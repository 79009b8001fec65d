import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { DatasetEntry } from '../../../../shared/contract';
import { ChannelOrder, InputDtype, Layout, type PreviewSample, type StoredPreprocessing } from '../../../../shared/preprocessing';
import { useApi } from '../../data/api-context';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { uiErrorText } from '../../ui-messages';
import { formFromRecipe, recipeFromForm, type FormField, type PreprocessingForm } from './preprocessing-form';

interface Props {
  dataset: DatasetEntry;
  onError: (error: unknown) => void;
}

const PREVIEW_SAMPLES = 8;
const CHANNEL_TEXT: Record<ChannelOrder | '', string> = { '': 'As stored', RGB: 'RGB', BGR: 'BGR', gray: 'Gray (1 channel)' };

function isImage(shape: readonly number[]): boolean {
  return shape.length === 3 && (shape[0] === 1 || shape[0] === 3);
}

/** One preprocessed sample drawn pixel for pixel on a canvas (scaled up by CSS, without smoothing). */
function Thumbnail({ sample }: { sample: PreviewSample }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const image = sample.image;
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !image) return;
    const bytes = Uint8ClampedArray.from(atob(image.rgbaBase64), (char) => char.charCodeAt(0));
    context.putImageData(new ImageData(bytes, image.width, image.height), 0, 0);
  }, [image]);
  const range = `values ${sample.min.toPrecision(3)} … ${sample.max.toPrecision(3)}, mean ${sample.mean.toPrecision(3)}`;
  return (
    <figure className="preview-sample" data-testid="preview-sample" data-label={sample.label ?? ''} title={range}>
      {image ? (
        <canvas ref={canvas} width={image.width} height={image.height} data-testid="preview-thumb" aria-label={`Sample ${sample.index + 1} after preprocessing`} />
      ) : (
        <div className="preview-tensor muted">{range}</div>
      )}
      <figcaption>
        <span data-testid="preview-label">{sample.label ?? 'unlabeled'}</span>
        <span className="muted"> · #{sample.index + 1}</span>
      </figcaption>
    </figure>
  );
}

/** The dataset's preprocessing (what every evaluation and calibration on it applies), with a preview of its first samples. */
export function PreprocessingPanel({ dataset, onError }: Props) {
  const api = useApi();
  const image = isImage(dataset.sampleShape);
  const [form, setForm] = useState<PreprocessingForm>(() => formFromRecipe(dataset.preprocessing ?? {}, dataset.sampleShape));
  // The recipe previewed: the stored one when the panel opens (undefined), then the one last asked for.
  const [previewed, setPreviewed] = useState<StoredPreprocessing | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const { mutateAsync: setPreprocessing, isPending: saving } = useWorkspaceChange(workspaceChanges.setPreprocessing);
  const parsed = recipeFromForm(form, image);

  // Read again after a save too (the stored recipe changed): the key holds the dataset's stored recipe.
  const previewQuery = useQuery({
    queryKey: ['dataset-preview', dataset.id, JSON.stringify(dataset.preprocessing ?? {}), JSON.stringify(previewed ?? null)],
    queryFn: () => api.datasets.preview({ id: dataset.id, preprocessing: previewed, count: PREVIEW_SAMPLES }),
    retry: false,
  });
  const preview = previewQuery.data ?? null;
  const problem = previewQuery.error ? uiErrorText(previewQuery.error) : null;

  const edit = (change: Partial<PreprocessingForm>): void => {
    setForm({ ...form, ...change });
    setSaved(false);
  };
  const save = async (): Promise<void> => {
    if (!parsed.ok) return;
    try {
      await setPreprocessing({ id: dataset.id, preprocessing: parsed.recipe });
      setSaved(true);
      setPreviewed(parsed.recipe);
    } catch (error) {
      onError(error);
    }
  };
  const fieldProblem = parsed.ok ? null : parsed;
  const invalid = (field: FormField): string => (fieldProblem?.field === field ? ' invalid' : '');

  return (
    <section className="card preprocessing-panel" data-testid="preprocessing-panel" aria-labelledby="preprocessing-title">
      <header className="devices-card-head">
        <div>
          <h2 id="preprocessing-title">Preprocessing of {dataset.name}</h2>
          <p className="muted">
            Applied to every sample before a model gets it, in this order: resize → channels → × scale → (− mean) / std → type → layout. Every
            evaluation and calibration on this dataset uses it.
          </p>
        </div>
      </header>
      <form
        className="preprocessing-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {image && (
          <>
            <label className="checkbox">
              <input type="checkbox" checked={form.resize} data-testid="prep-resize" onChange={(event) => edit({ resize: event.currentTarget.checked })} />
              <span>Resize</span>
            </label>
            <label className={`field number${invalid('width')}`}>
              <span className="field-label">Width</span>
              <input type="number" min={1} value={form.width} disabled={!form.resize} data-testid="prep-width" onChange={(event) => edit({ width: event.currentTarget.value })} />
            </label>
            <label className={`field number${invalid('height')}`}>
              <span className="field-label">Height</span>
              <input type="number" min={1} value={form.height} disabled={!form.resize} data-testid="prep-height" onChange={(event) => edit({ height: event.currentTarget.value })} />
            </label>
            <label className="field">
              <span className="field-label">Resampling</span>
              <select value={form.method} disabled={!form.resize} data-testid="prep-method" onChange={(event) => edit({ method: event.currentTarget.value === 'nearest' ? 'nearest' : 'bilinear' })}>
                <option value="bilinear">Bilinear</option>
                <option value="nearest">Nearest</option>
              </select>
            </label>
            <label className="field">
              <span className="field-label">Channels</span>
              <select value={form.channelOrder} data-testid="prep-channels" onChange={(event) => edit({ channelOrder: event.currentTarget.value === '' ? '' : ChannelOrder.parse(event.currentTarget.value) })}>
                {(['', ...ChannelOrder.options] as const).map((order) => (
                  <option key={order} value={order}>
                    {CHANNEL_TEXT[order]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field" title="Where the channel axis goes; an evaluation uses the other one when only that fits the model">
              <span className="field-label">Layout</span>
              <select value={form.layout} data-testid="prep-layout" onChange={(event) => edit({ layout: Layout.parse(event.currentTarget.value) })}>
                {Layout.options.map((layout) => (
                  <option key={layout} value={layout}>
                    {layout}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label className={`field${invalid('scale')}`} title="Multiplies every stored value first: 1/255 maps 0..255 to 0..1">
          <span className="field-label">Scale</span>
          <input type="text" value={form.scale} data-testid="prep-scale" onChange={(event) => edit({ scale: event.currentTarget.value })} />
        </label>
        <label className={`field${invalid('mean')}`} title="One value, or one per channel">
          <span className="field-label">Mean</span>
          <input type="text" value={form.mean} data-testid="prep-mean" onChange={(event) => edit({ mean: event.currentTarget.value })} />
        </label>
        <label className={`field${invalid('std')}`} title="One value, or one per channel">
          <span className="field-label">Std</span>
          <input type="text" value={form.std} data-testid="prep-std" onChange={(event) => edit({ std: event.currentTarget.value })} />
        </label>
        <label className="field">
          <span className="field-label">Type</span>
          <select value={form.dtype} data-testid="prep-dtype" onChange={(event) => edit({ dtype: InputDtype.parse(event.currentTarget.value) })}>
            {InputDtype.options.map((dtype) => (
              <option key={dtype} value={dtype}>
                {dtype}
              </option>
            ))}
          </select>
        </label>
        <div className="preprocessing-actions">
          <button type="button" className="button" disabled={!parsed.ok} data-testid="prep-preview" onClick={() => parsed.ok && setPreviewed(parsed.recipe)}>
            Preview
          </button>
          <button type="submit" className="button primary" disabled={!parsed.ok || saving} data-testid="prep-save">
            {saving ? 'Saving…' : 'Save preprocessing'}
          </button>
          {saved && (
            <span className="muted" data-testid="prep-saved">
              Saved to dataset.json.
            </span>
          )}
        </div>
      </form>
      {fieldProblem && (
        <p className="warn-text" role="alert" data-testid="prep-problem">
          {fieldProblem.message}
        </p>
      )}
      {problem && (
        <p className="warn-text" role="alert" data-testid="prep-problem">
          {problem}
        </p>
      )}
      {preview && (
        <div className="preview" data-testid="preprocessing-preview" data-shape={preview.sampleShape.join(',')}>
          <p className="muted" data-testid="preview-summary">
            First {preview.samples.length} samples after preprocessing: each [{preview.sampleShape.join(', ')}] {preview.recipe.dtype} ({preview.recipe.channelOrder},{' '}
            {preview.recipe.layout}), values {preview.valueRange.min.toPrecision(3)} … {preview.valueRange.max.toPrecision(3)}
            {image ? ' (shown from black to white)' : ''}.
          </p>
          <div className="preview-grid">
            {preview.samples.map((sample) => (
              <Thumbnail key={sample.index} sample={sample} />
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
