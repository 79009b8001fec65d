import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useModalDialog } from '../../hooks/useModalDialog';
import type { ModelEntry, PytorchImportResult } from '../../../../shared/contract';
import { toErrorData } from '../../../../shared/errors';
import { parseShapeListText } from '../../../../shared/pytorch-files';
import { messageFor } from '../../../../shared/remedies';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { useApi } from '../../data/api-context';
import { readAsBase64 } from '../../files';
import './pytorch-import.css';

interface Props {
  file: File;
  onOpenModel: (model: ModelEntry) => void;
  onClose: () => void;
}

/** Lines of the exporter's log kept on screen while it runs and after. */
const LOG_LINES = 200;

/**
 * A dropped or picked PyTorch file (TorchScript or a .py with an nn.Module) is exported to ONNX
 * by the user's own Python and torch on the machine the engine runs on, checked against torch on
 * seeded inputs, and imported. The dialog asks only what the file cannot say (input sizes, which
 * class, which interpreter), shows the exporter's log as it runs, and on success the interpreter
 * used and the parity of every output, so the user sees that the ONNX model computes what torch did.
 */
export function PytorchImportDialog({ file, onOpenModel, onClose }: Props) {
  const [sizes, setSizes] = useState('');
  const [moduleName, setModuleName] = useState('');
  const [python, setPython] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const [result, setResult] = useState<PytorchImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const api = useApi();
  const { mutateAsync: importPytorch } = useWorkspaceChange(workspaceChanges.importPytorch);

  const { dialogProps } = useModalDialog({ onClose, canClose: !busy, initialFocus: 'input' });

  // Each line the exporter writes arrives as task.progress while this dialog's export runs.
  const running = useRef(false);
  useEffect(
    () =>
      api.on('task.progress', (payload) => {
        if (payload.task === 'importPytorch' && running.current) setLog((lines) => [...lines, payload.message].slice(-LOG_LINES));
      }),
    [api],
  );

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseShapeListText(sizes);
    if ('invalid' in parsed) {
      setError(`'${parsed.invalid}' is not a list of positive sizes; write each input's sizes like 1,3,224,224, and separate inputs with ';'.`);
      return;
    }
    setError(null);
    setLog([]);
    running.current = true;
    setBusy(true);
    try {
      const dataBase64 = await readAsBase64(file);
      const imported = await importPytorch({
        file: { name: file.name, dataBase64 },
        inputShapes: parsed.shapes,
        ...(moduleName.trim() !== '' ? { module: moduleName.trim() } : {}),
        ...(python.trim() !== '' ? { python: python.trim() } : {}),
      });
      setResult(imported);
    } catch (caught) {
      setError(messageFor(toErrorData(caught), 'ui'));
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  const isPython = file.name.toLowerCase().endsWith('.py');
  return (
    <dialog {...dialogProps} className="pytorch-dialog modal-dialog" aria-labelledby="pytorch-dialog-title" data-testid="pytorch-dialog">
      <form onSubmit={(event) => void submit(event)}>
        <h2 id="pytorch-dialog-title">Import PyTorch model: {file.name}</h2>
        <p className="muted">
          Your own Python with torch exports it to ONNX on the machine the studio runs on, then the ONNX model is checked against torch on the
          same seeded inputs. {isPython ? 'The file runs in that Python: import only files you trust.' : 'A TorchScript file is loaded with torch.jit.load.'}
        </p>
        {result === null ? (
          <>
            <label className="field">
              <span className="field-label">Input sizes</span>
              <input
                value={sizes}
                placeholder="1,3,224,224"
                data-testid="pytorch-sizes"
                disabled={busy}
                onChange={(event) => setSizes(event.currentTarget.value)}
              />
              <span className="field-hint wide-hint">
                One per input, separated by ';'. {isPython ? 'Leave empty if the file defines example_inputs().' : 'TorchScript files do not record them.'}
              </span>
            </label>
            {isPython && (
              <label className="field">
                <span className="field-label">Module class</span>
                <input
                  value={moduleName}
                  placeholder="the file's one nn.Module, or create_model()"
                  data-testid="pytorch-module"
                  disabled={busy}
                  onChange={(event) => setModuleName(event.currentTarget.value)}
                />
              </label>
            )}
            <label className="field">
              <span className="field-label">Python interpreter</span>
              <input
                value={python}
                placeholder="found automatically (the first with torch)"
                data-testid="pytorch-python"
                disabled={busy}
                onChange={(event) => setPython(event.currentTarget.value)}
              />
            </label>
          </>
        ) : (
          <ImportSummary result={result} />
        )}
        {error !== null && (
          <p className="pytorch-error" role="alert" data-testid="pytorch-error">
            {error}
          </p>
        )}
        {busy && <p className="muted" data-testid="pytorch-progress">Exporting with your Python… (a large model takes minutes)</p>}
        {log.length > 0 && (
          <details open={busy || error !== null}>
            <summary>Exporter log ({log.length} lines)</summary>
            <pre className="pytorch-log" data-testid="pytorch-log">
              {log.join('\n')}
            </pre>
          </details>
        )}
        <div className="dialog-actions">
          {result === null ? (
            <>
              <button type="button" className="button" onClick={onClose} disabled={busy} data-testid="pytorch-cancel">
                Cancel
              </button>
              <button type="submit" className="button primary" disabled={busy} data-testid="pytorch-submit">
                {busy ? 'Exporting…' : 'Export and import'}
              </button>
            </>
          ) : (
            <>
              <button type="button" className="button" onClick={onClose} data-testid="pytorch-close">
                Close
              </button>
              <button type="button" className="button primary" onClick={() => onOpenModel(result.model)} data-testid="pytorch-open">
                Open model
              </button>
            </>
          )}
        </div>
      </form>
    </dialog>
  );
}

function ImportSummary({ result }: { result: PytorchImportResult }) {
  return (
    <div className="pytorch-summary" data-testid="pytorch-summary">
      <p>
        Imported <strong>{result.model.name}</strong> (ONNX, opset {result.opset}), exported by <code>{result.python.path}</code> with torch{' '}
        {result.python.torch}. Input sizes from {result.inputsFrom}: {result.inputs.map((i) => `${i.name} ${i.shape.join('×')}`).join(', ')}.
      </p>
      {result.passedOver.length > 0 && (
        <p className="muted">Passed over: {result.passedOver.map((p) => `${p.path} (${p.problem})`).join('; ')}.</p>
      )}
      <table className="pytorch-parity" data-testid="pytorch-parity">
        <caption>
          Parity: {result.parity.test} against {result.parity.reference}, same seeded inputs: {result.parity.ok ? 'agree' : 'DIFFER'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Output</th>
            <th scope="col">Cosine</th>
            <th scope="col">Max abs error</th>
          </tr>
        </thead>
        <tbody>
          {result.parity.outputs.map((output) => (
            <tr key={output.name} className={output.ok ? '' : 'differs'}>
              <td>{output.name}</td>
              <td>{output.cosine.toFixed(6)}</td>
              <td>
                {output.maxAbsError.toExponential(2)} (largest |value| {output.maxAbsReference.toPrecision(3)})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!result.parity.ok && <p className="pytorch-error">The ONNX model does not compute what torch did; check the exporter's log before you use it.</p>}
    </div>
  );
}
