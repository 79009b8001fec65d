import { useId, useState, type KeyboardEvent } from 'react';

interface Props {
  value: readonly string[];
  /** Op types of the model, and node names known to the studio, offered as the user types. */
  suggestions: readonly string[];
  onChange: (exclude: string[]) => void;
  /** What an empty list means for the form it is in. */
  emptyHint?: string;
}

/** Node names or op types to leave as they are (in float; unpruned), as removable chips. */
export function ExcludeField({ value, suggestions, onChange, emptyHint = 'Nothing excluded: every op that can be quantized is.' }: Props) {
  const [draft, setDraft] = useState('');
  const listId = useId();
  const add = (): void => {
    const names = draft
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '' && !value.includes(name));
    if (names.length > 0) onChange([...value, ...names]);
    setDraft('');
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key !== 'Enter') return;
    // Enter adds the name instead of submitting the form.
    event.preventDefault();
    add();
  };
  return (
    <div className="field grow exclude-field">
      <span className="field-label">Exclude (leave in float)</span>
      <div className="exclude-input">
        <input
          type="text"
          value={draft}
          list={listId}
          placeholder="Node name or op type, e.g. Gemm"
          aria-label="Node name or op type to exclude"
          data-testid="variant-exclude-input"
          onChange={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={onKey}
        />
        <button type="button" className="button" onClick={add} disabled={draft.trim() === ''} data-testid="variant-exclude-add">
          Add
        </button>
        <datalist id={listId}>
          {suggestions.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
      {value.length > 0 ? (
        <ul className="chips" aria-label="Excluded" data-testid="variant-exclude-list">
          {value.map((name) => (
            <li key={name} className="chip removable">
              {name}
              <button type="button" aria-label={`Stop excluding ${name}`} onClick={() => onChange(value.filter((n) => n !== name))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <span className="field-hint">{emptyHint}</span>
      )}
    </div>
  );
}
