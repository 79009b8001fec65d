/** `edgebench inspect --graph`: the graph as data (--json) and as a readable list, and what bad input gives. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../src/shared/model-graph';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

const SILERO_V5 = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');

describe('edgebench inspect --graph', () => {
  it('--json prints nodes with id, op, inputs and outputs, and edges; as many nodes as inspect counts ops, subgraphs included', async () => {
    const graphRun = await runCli(['inspect', SILERO_V5, '--graph', '--json']);
    expect(graphRun.stderr).toBe('');
    expect(graphRun.code).toBe(0);
    const graph = JSON.parse(graphRun.stdout) as ModelGraph;
    const info = JSON.parse((await runCli(['inspect', SILERO_V5, '--json'])).stdout) as { ops: Record<string, number> };
    const opCount = Object.values(info.ops).reduce((a, b) => a + b, 0);
    expect(graph.nodes).toHaveLength(opCount);
    expect(graph.nodes[0]).toEqual(expect.objectContaining({ id: expect.any(String), op: expect.any(String), inputs: expect.any(Array), outputs: expect.any(Array) }));
    expect(graph.edges.length).toBeGreaterThan(0);
    expect(graph.edges[0]).toEqual({ from: expect.any(String), to: expect.any(String), tensor: expect.any(String) });
    expect(graph.subgraphs.length).toBeGreaterThan(0);
  });

  it('without --json lists each node as op, id, inputs → outputs, with the subgraph it is in named', async () => {
    const result = await runCli(['inspect', SILERO_V5, '--graph']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^.*silero_vad_v5\.onnx: ONNX graph, 689 node\(s\) \(\d+ of them in 50 subgraph\(s\)\), \d+ edge\(s\)$/m);
    expect(result.stdout).toMatch(/^\s+\[else_branch of If_0\]$/m);
    expect(result.stdout).toMatch(/^\s+If\s+If_0\s+\S.* → /m);
  });

  it('prints the demo model graph in the order of its nodes, with the weights among the inputs', async () => {
    const result = await runCli(['inspect', demoModelPath, '--graph']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => / → /.test(line));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toMatch(/^\s+\S+\s+\S+.* → .+$/);
  });

  it.each([
    ['a file that does not exist', ['inspect', '/no/such/model.onnx', '--graph'], /does not exist at '\/no\/such\/model\.onnx'/],
    ['a file that is not a model', ['inspect', path.join(repoRoot, 'package.json'), '--graph', '--json'], /is not a/],
    ['no file', ['inspect', '--graph'], /needs at least one model file/],
  ])('%s: exit 2 and one sentence, no stack trace', async (_what, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help names --graph', async () => {
    const result = await runCli(['inspect', '--help']);
    expect(result.stdout).toMatch(/--graph/);
  });
});
