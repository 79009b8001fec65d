import type { GraphNode, GraphTensor, ModelGraph } from '../../../../shared/model-graph';
import { formatCount, formatDim, formatPercent } from '../../format';
import type { NodeOverlay } from './graph-overlay';

/** A tensor's shape as the inspection shows it: "1×3×224×224", "?" when the model does not say. */
export function shapeText(tensor: GraphTensor | undefined): string {
  if (!tensor?.shape) return 'not stated';
  if (tensor.shape.length === 0) return 'scalar';
  return tensor.shape.map(formatDim).join('×');
}

const stat = (value: number): string => (Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : value.toPrecision(4));

function TensorRows({ names, graph, direction }: { names: readonly string[]; graph: ModelGraph; direction: 'input' | 'output' }) {
  return (
    <>
      {names.map((name, i) => {
        if (name === '') {
          return (
            <tr key={`${direction}-${i}`} className="muted">
              <td>{direction}</td>
              <td colSpan={4}>omitted (optional)</td>
            </tr>
          );
        }
        const tensor = graph.tensors[name];
        return (
          <tr key={`${direction}-${i}`} data-testid="graph-tensor-row" data-tensor={name} data-direction={direction}>
            <td>{direction}</td>
            <td className="graph-tensor-name" title={name}>
              {name}
            </td>
            <td data-testid="graph-tensor-dtype">{tensor?.dtype ?? <span className="muted">not stated</span>}</td>
            <td data-testid="graph-tensor-shape">{shapeText(tensor)}</td>
            <td>
              {tensor ? tensor.role : 'unknown'}
              {tensor?.quantized && <span className="tag">quantized</span>}
            </td>
          </tr>
        );
      })}
    </>
  );
}

/** Everything the graph knows about one node: op, attributes, tensors with shapes and dtypes, weight statistics. */
export function GraphDetails({ node, graph, overlay, overlayOn }: { node: GraphNode | null; graph: ModelGraph; overlay: NodeOverlay | null; overlayOn: boolean }) {
  if (!node) {
    return (
      <aside className="graph-details" data-testid="graph-details" aria-label="Node details">
        <p className="muted">Click a node, or search for one, to see its op, attributes and tensors.</p>
      </aside>
    );
  }
  const attributes = Object.entries(node.attributes);
  const weights = node.inputs.filter((name) => graph.tensors[name]?.stats);
  const subgraph = node.subgraph ? graph.subgraphs.find((s) => s.id === node.subgraph) : null;
  return (
    <aside className="graph-details" data-testid="graph-details" data-node-id={node.id} aria-label={`Node ${node.name || node.id}`}>
      <h3 data-testid="graph-details-name">{node.name || <span className="muted">unnamed ({node.id})</span>}</h3>
      <dl className="facts graph-details-facts">
        <div>
          <dt>Op</dt>
          <dd data-testid="graph-details-op">{node.op}</dd>
        </div>
        <div>
          <dt>In</dt>
          <dd>{subgraph ? subgraph.label : 'main graph'}</dd>
        </div>
        {overlayOn && (
          <div className="wide">
            <dt>Overlay</dt>
            <dd data-testid="graph-details-overlay">{overlay ? (overlay.detail ?? overlay.label) : <span className="muted">No figure for this node in this overlay.</span>}</dd>
          </div>
        )}
      </dl>
      <table className="table compact graph-tensors" data-testid="graph-details-tensors">
        <thead>
          <tr>
            <th />
            <th>Tensor</th>
            <th>Dtype</th>
            <th>Shape</th>
            <th>Role</th>
          </tr>
        </thead>
        <tbody>
          <TensorRows names={node.inputs} graph={graph} direction="input" />
          <TensorRows names={node.outputs} graph={graph} direction="output" />
        </tbody>
      </table>
      {weights.length > 0 && (
        <table className="table compact" data-testid="graph-details-weights">
          <caption>Weights</caption>
          <thead>
            <tr>
              <th>Tensor</th>
              <th className="num">Elements</th>
              <th className="num">Min</th>
              <th className="num">Max</th>
              <th className="num">Mean</th>
              <th className="num">Std</th>
              <th className="num">Zeros</th>
            </tr>
          </thead>
          <tbody>
            {weights.map((name) => {
              const s = graph.tensors[name]!.stats!;
              return (
                <tr key={name} data-testid="graph-weight-row" data-tensor={name}>
                  <td className="graph-tensor-name" title={name}>
                    {name}
                  </td>
                  <td className="num">{formatCount(s.elements)}</td>
                  <td className="num">{stat(s.min)}</td>
                  <td className="num">{stat(s.max)}</td>
                  <td className="num">{stat(s.mean)}</td>
                  <td className="num">{stat(s.std)}</td>
                  <td className="num">{formatPercent(s.zeroShare)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {attributes.length > 0 ? (
        <table className="table compact" data-testid="graph-details-attributes">
          <caption>Attributes</caption>
          <tbody>
            {attributes.map(([name, value]) => (
              <tr key={name} data-testid="graph-attribute" data-name={name}>
                <th scope="row">{name}</th>
                <td className="graph-attribute-value">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No attributes.</p>
      )}
    </aside>
  );
}
