import { useState } from 'react';
import type { ModelEntry } from '../../../shared/contract';
import { inputProblemMessage } from '../../../shared/input-messages';
import { guessedDimsOf, planModelInputs } from '../../../shared/input-plan';
import { fieldsFromSaved, hasOpenSizes, readInputSizesForm, sameAsSaved, type InputSizesFields } from '../input-sizes-form';
import { useWorkspaceChange, workspaceChanges } from '../data/mutations';
import { uiErrorText } from '../ui-messages';
import { TensorTable } from './TensorTable';
import './input-sizes.css';

/** "1 × 3 × 320 × 320", a guessed dim as "1?" */
function runsAt(shape: readonly number[] | null, guessed: ReadonlySet<number>): string {
  if (shape === null) return 'a shape the runtime picks';
  if (shape.length === 0) return 'a scalar';
  return shape.map((size, i) => `${size}${guessed.has(i) ? '?' : ''}`).join(' × ');
}

/**
 * The model's inputs with their sizes and values: the sizes saved with the model (inputs.json)
 * are what every run and evaluation of it uses; fields left empty are guessed as 1 by a run,
 * which marks it unstable, and an image input is refused until its height and width are given.
 */
export function InputSizes({ model }: { model: ModelEntry }) {
  const { mutateAsync: setInputs } = useWorkspaceChange(workspaceChanges.setInputs);
  const inputs = model.info.inputs;
  const saved = model.savedInputs;
  const [fields, setFields] = useState<InputSizesFields>(() => fieldsFromSaved(inputs, saved));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const read = readInputSizesForm(model.name, inputs, fields);
  const unchanged = sameAsSaved(inputs, fields, saved);
  const plan = read.ok ? read.plan : planModelInputs(inputs, saved ?? { shapes: {}, dims: {}, values: {} });
  const refusal = plan.problems.find((problem) => problem.kind === 'image-sizes-missing');
  const guessed = plan.inputs.filter((input) => input.rankGuessed || guessedDimsOf(input).length > 0);

  const save = (inputsToSave: Parameters<typeof setInputs>[0]['inputs']): void => {
    setBusy(true);
    setFailure(null);
    // The models list is refetched before this answers, and the new entry remounts this form with the saved values.
    setInputs({ id: model.id, inputs: inputsToSave }).then(
      () => setBusy(false),
      (error: unknown) => {
        setBusy(false);
        setFailure(uiErrorText(error));
      },
    );
  };

  const savedLine =
    model.savedInputsProblem !== null
      ? `The saved sizes cannot be read (${model.savedInputsProblem}); runs of this model stop until the file is repaired or removed.`
      : saved === null
        ? hasOpenSizes(inputs)
          ? 'Nothing saved yet: runs guess every empty size as 1 and are marked unstable, and an image input is refused until its height and width are given.'
          : 'Every input has a fixed shape, so runs use it as declared; a value typed here is saved for every run.'
        : saved.fromModelId === model.id
          ? `Saved ${new Date(saved.updatedAt).toLocaleString()}: every run and evaluation of this model uses these sizes (flags given to a CLI command take precedence).`
          : "Saved with this variant's float model: its runs use the same sizes until you save its own.";

  return (
    <section className="input-sizes" data-testid="input-sizes" aria-label="Input sizes">
      <TensorTable
        tensors={inputs}
        testId="model-inputs"
        caption="Inputs"
        sizes={{ fields, errors: read.ok ? {} : read.errors, onChange: setFields, disabled: busy || inputs.length === 0 }}
      />
      <div className="input-sizes-footer">
        <h3 className="section-title">Input sizes</h3>
        <p className="muted" data-testid={saved === null ? 'input-sizes-empty' : 'input-sizes-saved'}>
          {inputs.length === 0 ? 'This model declares no inputs, so there is nothing to size.' : savedLine}
        </p>
        {inputs.length > 0 && (
          <p className="input-sizes-preview" data-testid="input-sizes-status" data-state={refusal ? 'refused' : guessed.length > 0 ? 'guessed' : 'sized'}>
            {refusal
              ? inputProblemMessage(refusal, { frontEnd: 'ui', model: model.name, inputs })
              : `A run uses ${plan.inputs.map((input) => `${input.name} ${runsAt(input.shape, new Set(guessedDimsOf(input).map((d) => d.index)))}${input.value === null ? '' : ` = ${input.value}`}`).join(', ')}` +
                (guessed.length > 0 ? ' (? = guessed: the run will be marked unstable).' : '.')}
          </p>
        )}
        {failure && (
          <p className="field-error" role="alert" data-testid="input-sizes-failure">
            {failure}
          </p>
        )}
        {inputs.length > 0 && (
          <div className="input-sizes-actions">
            <button
              type="button"
              className="button primary"
              disabled={!read.ok || unchanged || busy}
              data-testid="input-sizes-save"
              onClick={() => read.ok && save(read.given)}
            >
              {busy ? 'Saving…' : 'Save input sizes'}
            </button>
            {saved !== null && saved.fromModelId === model.id && (
              <button type="button" className="button" disabled={busy} data-testid="input-sizes-clear" onClick={() => save(null)}>
                Clear
              </button>
            )}
            {!unchanged && (
              <button type="button" className="button" disabled={busy} onClick={() => setFields(fieldsFromSaved(inputs, saved))}>
                Undo changes
              </button>
            )}
            <span className="muted hint">Kept in the workspace as models/{model.id}/inputs.json, which the CLI uses too (edgebench inputs show).</span>
          </div>
        )}
      </div>
    </section>
  );
}
