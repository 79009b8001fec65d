import type { TensorInfo } from '../../../shared/model-info';
import { formatDim } from '../format';

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

interface Props {
  tensors: TensorInfo[];
  testId: string;
  caption: string;
}

export function TensorTable({ tensors, testId, caption }: Props) {
  const quantized = tensors.some((t) => quantization(t) !== '');
  return (
    <table className="table compact" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Shape</th>
          {quantized && <th>Quantization</th>}
        </tr>
      </thead>
      <tbody>
        {tensors.length === 0 ? (
          <tr>
            <td colSpan={quantized ? 4 : 3} className="muted">
              none
            </td>
          </tr>
        ) : (
          tensors.map((tensor) => (
            <tr key={tensor.name}>
              <td>
                <code>{tensor.name}</code>
              </td>
              <td>{tensor.dtype}</td>
              <td>
                <Shape shape={tensor.shape} />
              </td>
              {quantized && <td>{quantization(tensor)}</td>}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
