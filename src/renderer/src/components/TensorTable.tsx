import type { TensorInfo } from '../../../shared/model-info';
import { formatDim } from '../format';
import { openDims, type InputSizesErrors, type InputSizesFields } from '../input-sizes-form';

function Shape({ shape }: { shape: TensorInfo['shape'] }) {
  if (shape === null) return <span className="muted">unknown rank</span>;
  if (shape.length === 0) return <span className="muted">scalar</span>;
  return (
    <span className="shape">
      [
      {shape.map((dim, i) => (
        <span key={i}>
          {i > 0 && ', '}
          <span className={typeof dim === 'number' ? 'dim' : 'dim symbolic'} title={typeof dim === 'string' ? 'symbolic dimension' : undefined}>
            {formatDim(dim)}
          </span>
        </span>
      ))}
      ]
    </span>
  );
}

function quantization(tensor: TensorInfo): string {
  const q = tensor.quantization;
  if (!q || q.scale.length === 0) return '';
  if (q.scale.length === 1) return `scale ${q.scale[0]?.toPrecision(4)}, zero point ${q.zeroPoint[0] ?? 0}`;
  return `per-axis (${q.scale.length} scales${q.axis === undefined ? '' : `, axis ${q.axis}`})`;
}

/** Editable sizes and values for the inputs table (the Models page's Input sizes form). */
export interface SizesEditing {
  fields: InputSizesFields;
  errors: InputSizesErrors;
  onChange: (fields: InputSizesFields) => void;
  disabled: boolean;
}

interface Props {
  tensors: TensorInfo[];
  testId: string;
  caption: string;
  sizes?: SizesEditing;
}

/** The shape a run builds, with a field for every open dim; a named dim's field is shared by every input that has it. */
function SizesCell({ tensor, sizes }: { tensor: TensorInfo; sizes: SizesEditing }) {
  const { fields, errors, onChange, disabled } = sizes;
  if (tensor.shape === null) {
    return (
      <input
        type="text"
        className={`size-input wide${errors[`shape:${tensor.name}`] ? ' invalid' : ''}`}
        value={fields.shapes[tensor.name] ?? ''}
        placeholder="e.g. 1x3x224x224"
        disabled={disabled}
        aria-label={`Shape of ${tensor.name}`}
        data-testid="input-shape-field"
        data-input={tensor.name}
        onChange={(e) => onChange({ ...fields, shapes: { ...fields.shapes, [tensor.name]: e.currentTarget.value } })}
      />
    );
  }
  if (tensor.shape.length === 0) return <span className="muted">scalar</span>;
  const open = new Map(openDims(tensor).map((dim) => [dim.index, dim]));
  return (
    <span className="shape sizes">
      {tensor.shape.map((dim, i) => {
        const field = open.get(i);
        return (
          <span key={i}>
            {i > 0 && <span className="times"> × </span>}
            {field === undefined ? (
              <span className="dim">{formatDim(dim)}</span>
            ) : (
              <input
                type="text"
                inputMode="numeric"
                className={`size-input${errors[`dim:${field.key}`] ? ' invalid' : ''}`}
                value={fields.dims[field.key] ?? ''}
                placeholder={field.name ?? '?'}
                title={field.name === null ? `dim ${i + 1} (unnamed)` : `${field.name}: one size for every input with this dim`}
                disabled={disabled}
                aria-label={`Size of ${field.name ?? `dim ${i + 1}`} of ${tensor.name}`}
                data-testid="input-size-field"
                data-input={tensor.name}
                data-dim-index={i}
                onChange={(e) => onChange({ ...fields, dims: { ...fields.dims, [field.key]: e.currentTarget.value } })}
              />
            )}
          </span>
        );
      })}
    </span>
  );
}

function rowErrors(tensor: TensorInfo, errors: InputSizesErrors): string[] {
  const keys = [...openDims(tensor).map((dim) => `dim:${dim.key}`), `shape:${tensor.name}`, `value:${tensor.name}`, `input:${tensor.name}`];
  return [...new Set(keys.flatMap((key) => (errors[key] ? [errors[key]] : [])))];
}

export function TensorTable({ tensors, testId, caption, sizes }: Props) {
  const quantized = tensors.some((t) => quantization(t) !== '');
  const columns = 3 + (quantized ? 1 : 0) + (sizes ? 2 : 0);
  return (
    <table className="table compact" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Shape</th>
          {quantized && <th>Quantization</th>}
          {sizes && <th title="The sizes runs use; empty fields are guessed as 1">Runs at</th>}
          {sizes && <th title="One value for every element; empty = seeded random values">Value</th>}
        </tr>
      </thead>
      <tbody>
        {tensors.length === 0 ? (
          <tr>
            <td colSpan={columns} className="muted">
              none
            </td>
          </tr>
        ) : (
          tensors.flatMap((tensor) => {
            const problems = sizes ? rowErrors(tensor, sizes.errors) : [];
            return [
              <tr key={tensor.name} data-testid={sizes ? 'input-sizes-row' : undefined} data-input={tensor.name}>
                <td>
                  <code>{tensor.name}</code>
                </td>
                <td>{tensor.dtype}</td>
                <td>
                  <Shape shape={tensor.shape} />
                </td>
                {quantized && <td>{quantization(tensor)}</td>}
                {sizes && (
                  <td>
                    <SizesCell tensor={tensor} sizes={sizes} />
                  </td>
                )}
                {sizes && (
                  <td>
                    <input
                      type="text"
                      inputMode="decimal"
                      className={`size-input value${sizes.errors[`value:${tensor.name}`] ? ' invalid' : ''}`}
                      value={sizes.fields.values[tensor.name] ?? ''}
                      placeholder="random"
                      disabled={sizes.disabled}
                      aria-label={`Value of ${tensor.name}`}
                      data-testid="input-value-field"
                      data-input={tensor.name}
                      onChange={(e) => sizes.onChange({ ...sizes.fields, values: { ...sizes.fields.values, [tensor.name]: e.currentTarget.value } })}
                    />
                  </td>
                )}
              </tr>,
              ...(problems.length > 0
                ? [
                    <tr key={`${tensor.name}-problems`} className="size-problems">
                      <td colSpan={columns} className="field-error" data-testid="input-sizes-error" data-input={tensor.name}>
                        {problems.join(' ')}
                      </td>
                    </tr>,
                  ]
                : []),
            ];
          })
        )}
      </tbody>
    </table>
  );
}
