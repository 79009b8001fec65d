import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { REAL_ONNX_MODELS } from '../quantize/real-onnx-models';
import { testdataCases } from './onnx-roundtrip';

// The studio's ONNX inspection against an independent reader: Debian's python3-onnx, through
// scripts/python/onnx_facts.py (run with Debian's /usr/bin/python3, which sees python3-onnx; the
// pyenv python3 on the PATH does not).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PYTHON = '/usr/bin/python3';

interface Facts {
  error?: string;
  parameters: number;
  ops: Record<string, number>;
  inputs: Array<{ name: string; dtype: string; shape: Array<number | string | null> | null }>;
  outputs: Array<{ name: string; dtype: string; shape: Array<number | string | null> | null }>;
  macs: number | null;
  opset: number;
}

function pythonFacts(files: string[]): Record<string, Facts> {
  const stdout = execFileSync(PYTHON, [path.join(repoRoot, 'scripts/python/onnx_facts.py'), ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, Facts>;
}

/** Real models, every libonnx-testdata model with a subgraph or a sparse/constant weight, and a sample of the rest. */
function sample(): string[] {
  const testdata = testdataCases();
  const special = /(_if|loop|scan|sequence|sparse|constant|optional)/;
  const picked = testdata.filter((c, i) => !c.name.startsWith('node/') || special.test(c.name) || i % 15 === 0).map((c) => c.model);
  return [...REAL_ONNX_MODELS.map((m) => path.join(repoRoot, m.file)), path.join(repoRoot, 'resources/models/demo-mnist.onnx'), ...picked];
}

describe('ONNX inspection agrees with python3-onnx', () => {
  it('parameters, op histograms (subgraphs included), inputs and outputs, and MACs of fully static graphs', { timeout: 120_000 }, async () => {
    expect(existsSync(PYTHON), `${PYTHON} is missing: apt-get install python3-onnx`).toBe(true);
    const files = sample();
    expect(files.length).toBeGreaterThan(150);
    const facts = pythonFacts(files);
    let macsCompared = 0;
    let withSubgraphs = 0;
    for (const file of files) {
      const expected = facts[file] as Facts;
      expect(expected.error, file).toBeUndefined();
      const info = await inspectModelFiles([file]);
      const name = path.relative(repoRoot, file).startsWith('..') ? file : path.relative(repoRoot, file);
      expect({ name, parameters: info.parameters, ops: info.ops }).toEqual({ name, parameters: expected.parameters, ops: expected.ops });
      expect({ name, inputs: info.inputs.map(({ name: n, dtype, shape }) => ({ name: n, dtype, shape })) }).toEqual({ name, inputs: expected.inputs });
      expect({ name, outputs: info.outputs.map(({ name: n, dtype, shape }) => ({ name: n, dtype, shape })) }).toEqual({ name, outputs: expected.outputs });
      if (info.ops.If || info.ops.Loop || info.ops.Scan) withSubgraphs += 1;
      const fullyStatic = [...expected.inputs].every((input) => input.shape !== null && input.shape.every((d) => typeof d === 'number'));
      if (fullyStatic && expected.macs !== null && info.notes.every((note) => !note.startsWith('MACs of'))) {
        expect({ name, macs: info.macs }).toEqual({ name, macs: expected.macs });
        macsCompared += 1;
      }
    }
    console.log(`onnx_facts.py vs inspect: ${files.length} files agree on parameters, ops, inputs and outputs; ${withSubgraphs} have If/Loop/Scan bodies; MACs compared on ${macsCompared} fully static graphs`);
    expect(withSubgraphs).toBeGreaterThan(10);
    expect(macsCompared).toBeGreaterThan(30);
  });

  it('counts the weights silero v5 keeps in Constant nodes inside its If bodies, and says the bodies are counted', async () => {
    const file = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
    const info = await inspectModelFiles([file]);
    expect(info.parameters).toBe(pythonFacts([file])[file]?.parameters);
    expect(info.parameters).toBeGreaterThan(500_000);
    expect(info.ops.Conv).toBe(12);
    expect(info.notes.join(' ')).toMatch(/subgraph\(s\) \(If\/Loop\/Scan bodies\); their ops, weights and MACs are counted/);
  });

  it('counts the Gemm MACs of openwakeword (a fully static graph) as onnx shape inference does', async () => {
    for (const model of REAL_ONNX_MODELS.filter((m) => m.name.startsWith('openwakeword'))) {
      const file = path.join(repoRoot, model.file);
      const info = await inspectModelFiles([file]);
      expect(info.macs).toBe(pythonFacts([file])[file]?.macs);
      expect(info.macsByOp.Gemm).toBe(info.macs);
      expect(info.notes).toEqual([]);
    }
  });
});
