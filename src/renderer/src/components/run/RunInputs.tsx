import { givenAsText } from '../../../../shared/input-messages';
import type { RunFile } from '../../../../shared/run-schema';

/** "1 × 3 × 1? × 1?": the shape an input ran at, each guessed dim marked. */
function shapeText(input: RunFile['inputs'][number]): string {
  if (input.rankGuessed) return `[${input.shape.join(' × ')}] (rank guessed)`;
  if (input.shape.length === 0) return 'scalar';
  const guessed = new Set((input.guessedDims ?? []).map((dim) => dim.index));
  return input.shape.map((size, i) => `${size}${guessed.has(i) ? '?' : ''}`).join(' × ');
}

/** The inputs a run built, which dims were guessed, and whether the sizes came from those saved with the model. */
export function RunInputs({ run }: { run: RunFile }) {
  if (run.inputs.length === 0) return null;
  const guessed = run.inputs.some((input) => input.rankGuessed === true || (input.guessedDims?.length ?? 0) > 0);
  return (
    <div className="muted inputs-line" data-testid="run-inputs" data-guessed={guessed ? 'true' : 'false'}>
      <p>
        Inputs{run.settings.freshInputs ? ' (fresh every run)' : ''}:{' '}
        {run.inputs.map((input) => (
          <span key={input.name} className="run-input" data-testid="run-input" data-input={input.name} data-shape={input.shape.join('x')}>
            {input.name} {input.dtype} [{shapeText(input)}] {input.fill}
            {input !== run.inputs[run.inputs.length - 1] ? '; ' : ''}
          </span>
        ))}
      </p>
      {guessed && (
        <p className="field-error" data-testid="run-inputs-guessed">
          ? = guessed size: nobody gave one, so the latencies above are for made-up inputs. Set the sizes under Input sizes on the Models page and run again.
        </p>
      )}
      {run.savedInputs !== undefined && (
        <p data-testid="run-inputs-saved">Sizes saved with the model (Input sizes on the Models page): {givenAsText(run.savedInputs)}.</p>
      )}
    </div>
  );
}
