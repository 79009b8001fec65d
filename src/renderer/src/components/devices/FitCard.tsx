import { useState } from 'react';
import type { FitEstimate, FitRemedy, FitUnsupportedOp, ModelEntry } from '../../../../shared/contract';
import { useFitChips, useFitEstimates } from '../../data/queries';
import { distinctModelLabels } from '../../model-labels';
import { FitMeasured } from './FitMeasured';
import { formatBytes } from '../../../../shared/units';

interface Props {
  models: readonly ModelEntry[];
}

const VERDICT_TEXT: Record<FitEstimate['verdict'], string> = {
  fits: 'Fits',
  'fits-in-psram': 'Fits in PSRAM',
  'does-not-fit': 'Does not fit',
  'cannot-run': 'Cannot run',
};

const MEMORY_TEXT: Record<FitEstimate['memory'][number]['memory'], string> = { ram: 'RAM', psram: 'PSRAM', flash: 'Flash' };

/**
 * "Will it fit?" before flashing: a workspace .tflite against one chip or every known chip, with
 * the estimated tensor arena and weights and one sentence per chip. Estimates are cheap, so the
 * table follows the pickers without a button.
 */
export function FitCard({ models }: Props) {
  const tflite = models.filter((m) => m.info.format === 'tflite');
  const fitLabels = distinctModelLabels(tflite, { base: (m) => `${m.name} · ${m.variant}`, omit: ['format'] });
  const [picked, setPicked] = useState('');
  const [chip, setChip] = useState('');
  const modelId = tflite.some((m) => m.id === picked) ? picked : (tflite[0]?.id ?? '');
  // Chip choices come from the engine's own list (the answer for every chip), not a copy here.
  const chips = useFitChips(modelId);
  // Estimates are cached by model and chip, so a stale one never shows under new pickers.
  const rows = useFitEstimates(modelId, chip);

  return (
    <section className="card devices-fit" data-testid="fit-card" aria-labelledby="fit-title">
      <header className="devices-card-head">
        <div>
          <h2 id="fit-title">Will it fit?</h2>
          <p className="muted">
            Before flashing: the tensor arena and weights a .tflite needs, estimated from the file alone, against each chip&apos;s RAM,
            PSRAM and flash. The firmware reports the real arena after it loads the model.
          </p>
        </div>
      </header>
      {tflite.length === 0 ? (
        <div className="empty small" data-testid="fit-empty">
          <p>
            No .tflite model in this workspace yet: import one on the Models page (or drop it on the window), or link an int8 .tflite made
            elsewhere to its float model, then check it here.
          </p>
        </div>
      ) : (
        <>
          <div className="device-run">
            <label className="field grow">
              <span className="field-label">Model (.tflite)</span>
              <select
                data-testid="fit-model"
                value={modelId}
                onChange={(event) => {
                  setPicked(event.currentTarget.value);
                  setChip('');
                }}
              >
                {tflite.map((model) => (
                  <option key={model.id} value={model.id}>
                    {fitLabels.get(model.id)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Chip</span>
              <select data-testid="fit-chip" value={chip} onChange={(event) => setChip(event.currentTarget.value)}>
                <option value="">All chips</option>
                {chips.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {rows === null ? (
            <p className="muted">Estimating…</p>
          ) : (
            <>
              <FitTable rows={rows} chips={chips} model={tflite.find((m) => m.id === modelId)} />
              <FitMeasured model={tflite.find((m) => m.id === modelId)} />
            </>
          )}
        </>
      )}
    </section>
  );
}

function FitTable({ rows, chips, model }: { rows: readonly FitEstimate[]; chips: ReadonlyArray<{ id: string; label: string }>; model: ModelEntry | undefined }) {
  const first = rows[0];
  // The ops TFLite Micro lacks are the model's, the same on every chip: listed once above the table.
  const unsupported = (first?.unsupportedOps ?? []).filter((op) => op.reason !== 'not-in-firmware');
  // Ops TFLM has but the EdgeBench firmware does not register matter on the chips it runs on only.
  const firmwareRows = rows.filter((row) => row.unsupportedOps.some((op) => op.reason === 'not-in-firmware'));
  const notInFirmware = firmwareRows[0]?.unsupportedOps.filter((op) => op.reason === 'not-in-firmware') ?? [];
  return (
    <>
      {first && (
        <p className="fit-summary" data-testid="fit-summary">
          Tensor arena about {formatBytes(first.arenaBytes)} (estimate) · weights {formatBytes(first.weightsBytes)} · model{' '}
          {formatBytes(first.modelBytes)}
        </p>
      )}
      {unsupported.length > 0 && (
        <div className="fit-unsupported" data-testid="fit-unsupported">
          <p>TensorFlow Lite Micro cannot run these ops of the model, on any chip:</p>
          <ul>
            {unsupported.map((op) => (
              <li key={`${op.op}/${op.inputType ?? ''}`} data-testid="fit-unsupported-op" data-op={op.op} data-reason={op.reason}>
                <code>{op.op}</code> ×{op.count}: {unsupportedText(op)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {notInFirmware.length > 0 && (
        <div className="fit-unsupported" data-testid="fit-not-in-firmware">
          <p>
            TensorFlow Lite Micro has these ops, but the EdgeBench firmware does not register them, so they cannot run on{' '}
            {firmwareRows.map((row) => row.label).join(', ')} until they are added to its op resolver:
          </p>
          <ul>
            {notInFirmware.map((op) => (
              <li key={op.op} data-testid="fit-unsupported-op" data-op={op.op} data-reason={op.reason}>
                <code>{op.op}</code> ×{op.count}
              </li>
            ))}
          </ul>
        </div>
      )}
      <table className="table compact fit-table" data-testid="fit-table">
        <thead>
          <tr>
            <th>Chip</th>
            <th>Verdict</th>
            <th>Memory (needs / has)</th>
            <th>What it means</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.chip} data-testid="fit-row" data-chip={row.chip} data-verdict={row.verdict} data-exceeds={row.exceeds.join(' ')}>
              <td>{row.label}</td>
              <td>
                <span className={`fit-verdict fit-${row.verdict}`}>{VERDICT_TEXT[row.verdict]}</span>
              </td>
              <td className="fit-memory">
                {row.memory.map((m) => (
                  <div key={m.memory} className={m.needBytes > m.haveBytes ? 'fit-over' : undefined} data-testid="fit-memory" data-memory={m.memory}>
                    {MEMORY_TEXT[m.memory]}: {formatBytes(m.needBytes)} / {formatBytes(m.haveBytes)}
                  </div>
                ))}
              </td>
              <td className="fit-sentence">
                {row.sentence}
                {row.remedies.length > 0 && (
                  <ul className="fit-remedies" data-testid="fit-remedies">
                    {row.remedies.map((remedy) => (
                      <li key={remedy.kind} data-kind={remedy.kind}>
                        {remedyText(remedy, chips, float16Weights(model, row))}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function unsupportedText(op: FitUnsupportedOp): string {
  switch (op.reason) {
    case 'sparse-weights':
      return 'sparse weights, which TensorFlow Lite Micro cannot expand.';
    case 'custom-op':
      return 'a custom op TensorFlow Lite Micro has no kernel for.';
    case 'input-type':
      return `its input is ${op.inputType ?? 'of a type'}, which TensorFlow Lite Micro's ${op.op} refuses (it takes ${(op.acceptedTypes ?? []).join(', ')}).`;
    case 'not-in-firmware':
      return 'TensorFlow Lite Micro has it, but the EdgeBench firmware does not register it.';
    default:
      return "not among TensorFlow Lite Micro's builtin kernels.";
  }
}

/** Whether the model's weights are float16: an fp16 variant made here, or a .tflite whose ops take float16 (DEQUANTIZE from float16), as the CLI's fit tells. */
function float16Weights(model: ModelEntry | undefined, estimate: FitEstimate): boolean {
  return (model?.origin?.kind === 'quantized' && model.origin.recipe.mode === 'fp16') || estimate.unsupportedOps.some((op) => op.inputType === 'float16');
}

/** A remedy in the studio's terms: what the user does, and where in the studio it continues. */
function remedyText(remedy: FitRemedy, chips: ReadonlyArray<{ id: string; label: string }>, float16: boolean): string {
  switch (remedy.kind) {
    case 'int8-tflite':
      // What int8 saves depends on what the model holds now: float16 weights are half float32's bytes already.
      return `Make a full-integer int8 variant of it under Variants on the Models page (int8 full integer, with a calibration dataset: int8 weights take ${float16 ? "half of float16's" : "a quarter of float32's"} bytes and need no DEQUANTIZE), then check the variant here.`;
    case 'other-chips': {
      const labels = remedy.chips.map((id) => chips.find((chip) => chip.id === id)?.label ?? id);
      return `Its memory needs fit ${labels.join(', ')}.`;
    }
    case 'dense-weights':
      return "Convert it again without TFLite's sparsity optimization, so its weights are stored dense.";
    case 'builtin-ops': {
      const equivalents = Object.entries(remedy.replacements).map(([op, builtins]) => `${op} as ${builtins.join(' + ')}`);
      return `Convert it again with only ops TensorFlow Lite Micro has instead of ${remedy.ops.join(', ')}${equivalents.length > 0 ? ` (${equivalents.join('; ')})` : ''}.`;
    }
    case 'smaller-model':
      return 'No chip the studio knows has the memory for it, and it is int8 already: it needs a smaller model (a smaller input, fewer or narrower layers).';
    case 'firmware-ops':
      return `Register ${remedy.ops.join(', ')} in the EdgeBench firmware's op resolver (resources/firmware/esp32-tflm/main/op_resolver.cpp), then rebuild and reflash the firmware.`;
  }
}
