/**
 * What the graph view can paint on its nodes, from any source: a run's per-op latency, a
 * variant's per-layer SQNR, which nodes a variant quantized, a diff of two models or two runs.
 * A source builds a GraphOverlay; the view only draws it (colour from `level`, text from `label`).
 */
export type OverlayTone = 'latency' | 'sqnr' | 'precision' | 'added' | 'removed' | 'changed' | 'faster' | 'slower';

export interface NodeOverlay {
  /** Short text drawn on the node: '1.82 ms (14 %)', '23.1 dB', 'int8', '+0.41 ms'. */
  label: string;
  /** 0..1: how strongly the node is coloured in its tone (the largest share, the worst SQNR = 1). */
  level: number;
  tone: OverlayTone;
  /** Longer text for the node's tooltip and details panel. */
  detail?: string;
  /** Drawn as well as the colour: 'kept-float', a layer a triage step keeps in float (a dashed outline). */
  mark?: 'kept-float';
}

export interface GraphOverlay {
  /** 'Latency per op: run 2026-12-07 10:02 on pi5', shown above the graph. */
  title: string;
  /** One line saying how to read the colours. */
  legend: string;
  /** By GraphNode.id; a node without an entry is drawn plain (and the legend says what that means). */
  byNode: ReadonlyMap<string, NodeOverlay>;
  /** How many nodes carry each mark, for the legend (absent: none). */
  marks?: { keptFloat: number };
}
