import type { InputsCheck as Check } from '../../bench-form';
import { pageLink } from '../../hooks/usePage';

/**
 * Under the model list: the ticked models that cannot start until their input sizes are given
 * (Start waits), and the ones that will run at guessed sizes (their runs are marked unstable).
 * Each links to the Models page with that model selected, where its Input sizes form is.
 */
export function InputsCheck({ check }: { check: Check }) {
  if (check.blocked.length === 0 && check.guessed.length === 0) return null;
  return (
    <ul className="warnings inputs-check" data-testid="bench-inputs-check">
      {check.blocked.map((item) => (
        <li key={item.modelId} className="banner banner-error" data-testid="bench-inputs-blocked" data-model-id={item.modelId}>
          <span className="banner-icon" aria-hidden="true">
            ⛔
          </span>
          <span className="banner-text">
            {item.message}{' '}
            <a href={pageLink('models', item.modelId)} data-testid="bench-inputs-open-model">
              Open the Models page
            </a>
          </span>
        </li>
      ))}
      {check.guessed.map((item) => (
        <li key={item.modelId} className="banner banner-warning" data-testid="bench-inputs-guessed" data-model-id={item.modelId}>
          <span className="banner-icon" aria-hidden="true">
            ⚠
          </span>
          <span className="banner-text">
            {item.message}{' '}
            <a href={pageLink('models', item.modelId)} data-testid="bench-inputs-open-model">
              Open the Models page
            </a>
          </span>
        </li>
      ))}
    </ul>
  );
}
