import type { GraphNode, GraphTensor, ModelGraph } from '../../../../shared/model-graph';
import { formatCount, formatDim, formatPercent } from '../../format';
import { BreakableText } from '../BreakableText';
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
            <tbody key={`${direction}-${i}`} className="graph-tensor">
              <tr className="muted">
                <td className="graph-tensor-direction">{direction}</td>
                <td colSpan={3}>omitted (optional)</td>
              </tr>
            </tbody>
          );
        }
        const tensor = graph.tensors[name];
        // The name on a line of its own, the width of the pane, and its facts under it: a long
        // tensor name is never squeezed into a narrow column beside them.
        return (
          <tbody key={`${direction}-${i}`} className="graph-tensor" data-testid="graph-tensor-row" data-tensor={name} data-direction={direction}>
            <tr>
              <td className="graph-tensor-direction">{direction}</td>
              <td className="graph-tensor-name" colSpan={3} title={name}>
                <BreakableText text={name} />
              </td>
            </tr>
            <tr>
              <td />
              <td colSpan={3}>
                <div className="graph-tensor-facts">
                  <span data-testid="graph-tensor-dtype">{tensor?.dtype ?? <span className="muted">not stated</span>}</span>
                  <span data-testid="graph-tensor-shape" className="graph-tensor-shape">
                    {shapeText(tensor)}
                  </span>
                  <span>
                    {tensor ? tensor.role : 'unknown'}
                    {tensor?.quantized && <span className="tag">quantized</span>}
                  </span>
                </div>
              </td>
            </tr>
          </tbody>
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
      <h3 data-testid="graph-details-name" title={node.name || undefined}>
        {node.name ? <BreakableText text={node.name} /> : <span className="muted">unnamed ({node.id})</span>}
      </h3>
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
            <th colSpan={3}>Tensor: dtype, shape, role</th>
          </tr>
        </thead>
        <TensorRows names={node.inputs} graph={graph} direction="input" />
        <TensorRows names={node.outputs} graph={graph} direction="output" />
      </table>
      {weights.length > 0 && (
        <table className="table compact" data-testid="graph-details-weights">
          <caption>Weights</caption>
          <thead>
            <tr>
              <th className="num">Elements</th>
              <th className="num">Min</th>
              <th className="num">Max</th>
              <th className="num">Mean</th>
              <th className="num">Std</th>
              <th className="num">Zeros</th>
            </tr>
          </thead>
          {weights.map((name) => {
            const s = graph.tensors[name]!.stats!;
            // As the tensors above: the name across the pane, its statistics under it.
            return (
              <tbody key={name} className="graph-tensor" data-testid="graph-weight-row" data-tensor={name}>
                <tr>
                  <td className="graph-tensor-name" colSpan={6} title={name}>
                    <BreakableText text={name} />
                  </td>
                </tr>
                <tr>
                  <td className="num">{formatCount(s.elements)}</td>
                  <td className="num">{stat(s.min)}</td>
                  <td className="num">{stat(s.max)}</td>
                  <td className="num">{stat(s.mean)}</td>
                  <td className="num">{stat(s.std)}</td>
                  <td className="num">{formatPercent(s.zeroShare)}</td>
                </tr>
              </tbody>
            );
          })}
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
