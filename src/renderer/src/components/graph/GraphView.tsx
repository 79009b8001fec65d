import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ModelGraph } from '../../../../shared/model-graph';
import { GraphCanvas } from './GraphCanvas';
import { GraphDetails } from './GraphDetails';
import type { GraphOverlay } from './graph-overlay';
import type { GraphLayout } from './graph-layout';
import { cycleMatch, searchNodes } from './graph-search';
import { centreOn, fitCamera, zoomAt, ZOOM_STEP, type Camera, type Size } from './graph-viewport';
import { OverlayLegend } from './OverlayLegend';
import { useGraphLayout } from './useGraphLayout';
import './graph.css';

interface Props {
  graph: ModelGraph;
  /** What to paint on the nodes (a run's latency, SQNR, precision, a diff); null: plain. */
  overlay: GraphOverlay | null;
  /** Controls shown in the toolbar, e.g. the overlay picker. */
  toolbar?: ReactNode;
  /** Keeps the finished layout under this key (a model's id: its content hash) for the next time the graph opens. */
  layoutCacheKey?: string;
}

const MAIN = 'main';

/** What a graph's camera is: set by the user, or "centre this node" (search) until its layout is there. */
type CameraState = Camera | { focusId: string; scale: number };

/**
 * The camera to draw with: a set one, a node to centre, else the whole graph fitted (the first
 * view). While only the top of a graph is laid out, it is fitted as if the rest were there, its
 * height scaled up by the nodes still to come, so the first view does not zoom out as bands arrive.
 */
function resolveCamera(state: CameraState | undefined, layout: GraphLayout | null, size: Size, graphNodes: number): Camera | null {
  if (!layout || size.width === 0) return null;
  if (state && 'focusId' in state) {
    const placed = layout.nodes.find((n) => n.id === state.focusId);
    if (placed) return centreOn({ x: 0, y: 0, scale: state.scale }, placed, size, state.scale);
  }
  if (state && !('focusId' in state)) return state;
  const expected = layout.nodes.length > 0 && graphNodes > layout.nodes.length ? { ...layout, height: (layout.height * graphNodes) / layout.nodes.length } : layout;
  return fitCamera(expected, size);
}

/**
 * A model graph, laid out in the page (main graph and each subgraph as its own tab),
 * drawn with only what is in view, with search (Enter: next match, Shift+Enter: previous, each
 * centred) and the selected node's details beside it.
 */
export function GraphView({ graph, overlay, toolbar, layoutCacheKey }: Props) {
  const layout = useGraphLayout(graph, layoutCacheKey);
  const [activeKey, setActiveKey] = useState(MAIN);
  const [cameras, setCameras] = useState<ReadonlyMap<string, CameraState>>(new Map());
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const stage = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const element = stage.current;
    if (!element) return;
    const measure = (): void => setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [matchIndex, setMatchIndex] = useState<number | null>(null);

  const nodesById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const counts = useMemo(() => {
    const byKey = new Map<string, number>();
    for (const n of graph.nodes) byKey.set(n.subgraph ?? MAIN, (byKey.get(n.subgraph ?? MAIN) ?? 0) + 1);
    return byKey;
  }, [graph]);
  const matches = useMemo(() => searchNodes(graph.nodes, query), [graph, query]);
  const matchIds = useMemo(() => new Set(matches.map((m) => m.id)), [matches]);
  const active = layout.layouts.get(activeKey) ?? null;
  const camera = resolveCamera(cameras.get(activeKey), active, size, counts.get(activeKey) ?? 0);

  const setCamera = useCallback((next: Camera) => setCameras((all) => new Map(all).set(activeKey, next)), [activeKey]);
  const fit = useCallback(() => {
    if (active) setCamera(fitCamera(active, size));
  }, [active, size, setCamera]);

  const showMatch = (backwards: boolean): void => {
    const next = cycleMatch(matchIndex, matches.length, backwards);
    setMatchIndex(next);
    const node = next === null ? undefined : matches[next];
    if (!node) return;
    const key = node.subgraph ?? MAIN;
    setActiveKey(key);
    setSelectedId(node.id);
    // Centred once its graph is laid out (it may still be in the workers).
    setCameras((all) =>
      new Map(all).set(key, { focusId: node.id, scale: Math.max(1, resolveCamera(all.get(key), layout.layouts.get(key) ?? null, size, counts.get(key) ?? 0)?.scale ?? 1) }),
    );
  };

  const selected = selectedId ? (nodesById.get(selectedId) ?? null) : null;
  const searchStatus = query.trim() === '' ? '' : matches.length === 0 ? 'no match' : matchIndex === null ? `${matches.length} matches: Enter shows the first` : `${matchIndex + 1} of ${matches.length}`;
  // Stacked under a narrow canvas, a clicked node's details would open out of sight below it.
  const details = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const slot = details.current;
    if (selectedId === null || !slot) return;
    // Only when its top is off screen: beside the canvas the details are already in view.
    const top = slot.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 80) slot.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);
  const graphKeys = [MAIN, ...graph.subgraphs.map((s) => s.id)];
  const done = layout.status === 'done';
  return (
    <section
      className="graph-view"
      data-testid="graph-view"
      data-layout-state={layout.status}
      data-layout-ms={layout.elapsedMs === null ? undefined : Math.round(layout.elapsedMs)}
      data-first-view-ms={layout.firstViewMs === null ? undefined : Math.round(layout.firstViewMs)}
      aria-label="Model graph"
    >
      {/* One row that keeps its place while searching: the search box does not grow, the zoom
          buttons sit right after it, and the match status takes what is left (cut short, whole in
          its tooltip); the count and the overlay controls sit on the row under it. */}
      <div className="graph-toolbar" data-testid="graph-toolbar">
        <input
          type="search"
          className="graph-search"
          placeholder="Search nodes by name or op"
          aria-label="Search nodes by name or op"
          data-testid="graph-search"
          value={query}
          onChange={(e) => {
            setQuery(e.currentTarget.value);
            setMatchIndex(null);
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            showMatch(e.shiftKey);
          }}
        />
        <span className="graph-zoom">
          <button type="button" className="button tiny" aria-label="Zoom out" data-testid="graph-zoom-out" disabled={!camera} onClick={() => camera && setCamera(zoomAt(camera, 1 / ZOOM_STEP, size.width / 2, size.height / 2))}>
            −
          </button>
          <button type="button" className="button tiny" aria-label="Zoom in" data-testid="graph-zoom-in" disabled={!camera} onClick={() => camera && setCamera(zoomAt(camera, ZOOM_STEP, size.width / 2, size.height / 2))}>
            +
          </button>
          <button type="button" className="button tiny" data-testid="graph-fit" disabled={!active} onClick={fit}>
            Fit
          </button>
        </span>
        <span className="muted graph-search-status" data-testid="graph-search-status" aria-live="polite" title={searchStatus || undefined}>
          {searchStatus}
        </span>
      </div>
      <div className="graph-toolbar graph-toolbar-extra">
        <span className="graph-count" data-testid="graph-node-count" data-count={graph.nodes.length}>
          {graph.nodes.length.toLocaleString('en-US')} nodes
          <span className="muted">
            {' '}
            · {graph.edges.length.toLocaleString('en-US')} edges
            {graph.subgraphs.length > 0 && ` · ${graph.subgraphs.length} subgraph${graph.subgraphs.length === 1 ? '' : 's'}`}
          </span>
        </span>
        {toolbar}
      </div>
      {graphKeys.length > 1 && (
        <div className="graph-tabs" role="tablist" aria-label="Graphs in this model">
          {graphKeys.map((key) => {
            const sub = graph.subgraphs.find((s) => s.id === key);
            return (
              <button
                key={key}
                type="button"
                role="tab"
                aria-selected={key === activeKey}
                className={key === activeKey ? 'graph-tab active' : 'graph-tab'}
                data-testid="graph-tab"
                data-graph-key={key}
                onClick={() => setActiveKey(key)}
              >
                {sub ? sub.label : 'Main graph'} <span className="muted">({counts.get(key) ?? 0})</span>
              </button>
            );
          })}
        </div>
      )}
      {overlay && <OverlayLegend overlay={overlay} />}
      {!done && layout.status !== 'failed' && (
        <div className="graph-progress" data-testid="graph-layout-progress" role="progressbar" aria-valuemin={0} aria-valuemax={layout.total} aria-valuenow={layout.placed}>
          Laying out the graph: {layout.placed.toLocaleString('en-US')} of {layout.total.toLocaleString('en-US')} nodes placed…
          <progress max={Math.max(1, layout.total)} value={layout.placed} />
        </div>
      )}
      {layout.status === 'failed' && (
        <p className="graph-error" data-testid="graph-layout-error">
          The graph could not be laid out: {layout.error}
        </p>
      )}
      {graph.notes.length > 0 && (
        <ul className="graph-notes muted" data-testid="graph-notes">
          {graph.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <div className="graph-body">
        <div className="graph-stage" ref={stage}>
          {active && camera ? (
          <GraphCanvas
            layout={active}
            nodesById={nodesById}
            overlay={overlay}
            camera={camera}
            size={size}
            onCamera={setCamera}
            onFit={fit}
            selectedId={selectedId}
            matchIds={matchIds}
            onSelect={setSelectedId}
          />
          ) : (
            (counts.get(activeKey) ?? 0) === 0 && done && <p className="muted graph-empty">This graph has no nodes.</p>
          )}
        </div>
        <div className="graph-details-slot" ref={details} data-testid="graph-details-slot">
          <GraphDetails node={selected} graph={graph} overlay={selected && overlay ? (overlay.byNode.get(selected.id) ?? null) : null} overlayOn={overlay !== null} />
        </div>
      </div>
    </section>
  );
}
