/**
 * The one API contract between the studio UI and the engine.
 *
 * Every call is declared once here with a request and a response validator; the three
 * transports (Electron IPC, WebSocket in browser mode, direct calls in the CLI and tests)
 * all go through `createApiClient` on the calling side and `dispatchCall` on the serving side,
 * so a request is validated at every boundary and the UI cannot tell which transport it runs on.
 */
import { z } from 'zod';
import { ErrorData } from './errors';
import { EvalCheck, EvalRecord, EvalRunResult, LayerSqnr } from './eval-schema';
import { TargetConfig } from './targets';
import { PowerSourceName } from './plugins/power-sources';
import { ReportFormat } from './plugins/report-formats';
import { DEFAULT_SERIAL_PROTOCOL, SerialProtocol } from './plugins/serial-protocols';
import { PruneRecipe, QuantRecipe, VariantOrigin } from './variants';
import { ModelInfo } from './model-info';
import { ModelGraph } from './model-graph';
import { RunFileOnWire } from './packed-samples';
import { NetworkAgreement, NetworkEntry, NetworkSuggestion } from './networks';
import { GivenInputs, SavedInputs } from './model-inputs';
import { DatasetPreview, StoredPreprocessing } from './preprocessing';
import { BenchSettings, CpuSelection, HardwareProfile, RunSummary, RuntimeName, TargetKind } from './run-schema';
import { PythonRuntimeOffer } from './runtimes';
import { TriageDoneEvent, TriageLayerLatencyResult, TriageList, TriageProgressEvent, TriageStarted, TriageStartRequest } from './triage';

const Empty = z.object({}).strict();
const Id = z.string().min(1).max(200);

export const WorkspaceProblem = z.object({
  /** Path relative to the workspace root. */
  path: z.string(),
  /** Why it was not read; the file is left untouched. */
  message: z.string(),
});
export type WorkspaceProblem = z.infer<typeof WorkspaceProblem>;

export const WorkspaceInfo = z.object({
  path: z.string(),
  modelCount: z.number().int(),
  runCount: z.number().int(),
  datasetCount: z.number().int(),
  problems: z.array(WorkspaceProblem),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const ModelEntry = z.object({
  /** Content hash prefix; stable across re-imports of the same bytes. */
  id: z.string(),
  name: z.string(),
  importedAt: z.string(),
  variant: z.string(),
  /** Files of the model inside the workspace, relative to the model's folder. */
  files: z.array(z.string()),
  info: ModelInfo,
  /** For a variant: the model it derives from and how (null for a model imported on its own). */
  origin: VariantOrigin.nullable().default(null),
  /** Input sizes and values saved with the model (models/<id>/inputs.json, or its float parent's); every run of it uses them. Not stored in entry.json. */
  savedInputs: SavedInputs.nullable().default(null),
  /** Why the model's inputs.json could not be read (it is left untouched), or null. */
  savedInputsProblem: z.string().nullable().default(null),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

/** A model's MACs per inference at the sizes its runs use (models.macs): counted at the saved sizes for ONNX. */
export const ModelMacs = z.object({
  macs: z.number(),
  macsByOp: z.record(z.string(), z.number()),
  /** True when the figure is counted at sizes saved with the model; false: every open dim counts as 1. */
  atSavedSizes: z.boolean(),
  /** The model's notes with MACs counted at those sizes, the last one saying which sizes (as `edgebench inspect` prints them); the reader's own notes otherwise. */
  notes: z.array(z.string()),
});
export type ModelMacs = z.infer<typeof ModelMacs>;

export const DatasetEntry = z.object({
  id: z.string(),
  name: z.string(),
  samples: z.number().int(),
  classes: z.array(z.string()),
  /** Shape of one sample, e.g. [1, 28, 28]. */
  sampleShape: z.array(z.number().int()),
  description: z.string(),
  /** False for a dataset without labels: accuracy cannot be measured, fidelity still can. */
  labeled: z.boolean().default(true),
  /** The preprocessing stored with the dataset (what it leaves out takes the defaults: channels as stored, NCHW, no scaling). */
  preprocessing: StoredPreprocessing.default({}),
});
export type DatasetEntry = z.infer<typeof DatasetEntry>;

export const TargetEntry = z.object({
  id: z.string(),
  kind: TargetKind,
  name: z.string(),
  /** null until probed. */
  hardware: HardwareProfile.nullable(),
  /** How to reach it (null for This computer). */
  config: TargetConfig.nullable().default(null),
  /** The CLI spec of the same target: 'local', ssh://user@host:port, serial:///dev/…?protocol=… */
  spec: z.string().default('local'),
  /**
   * Why this target cannot pin a benchmark to CPUs though its kind can, in one sentence (This
   * computer off Linux or without taskset); absent where it can. Filled from the real machine.
   */
  cannotPin: z.string().optional(),
});
export type TargetEntry = z.infer<typeof TargetEntry>;

/** The outcome of "Test connection": what the board is, or why it cannot be reached. */
export const TargetTestResult = z.object({
  ok: z.boolean(),
  /** One sentence: what was found, or what went wrong and what to do. */
  message: z.string(),
  hardware: HardwareProfile.nullable(),
  /** SSH: the server's host key when it is not yet trusted; accept it by passing its fingerprint back. */
  hostKey: z.object({ fingerprint: z.string(), status: z.enum(['unknown', 'changed']) }).nullable().default(null),
  /** Facts for the Targets page: runtimes found, chosen runner, board model, firmware… */
  details: z.record(z.string(), z.string()).default({}),
  /** Why it failed, as data (its kind and remedies), so the page words it and reacts to its kind; absent when it succeeded. */
  error: ErrorData.optional(),
});
export type TargetTestResult = z.infer<typeof TargetTestResult>;

export const SerialPortInfo = z.object({
  path: z.string(),
  vendorId: z.string().nullable(),
  productId: z.string().nullable(),
  serialNumber: z.string().nullable(),
  manufacturer: z.string().nullable(),
  /** e.g. "Silicon Labs CP210x USB-UART (ESP32 dev boards)", or null when not recognized. */
  recognizedAs: z.string().nullable(),
});
export type SerialPortInfo = z.infer<typeof SerialPortInfo>;

/** The Android devices adb lists (`adb devices -l`), or why adb could not be asked. */
export const AdbDeviceListing = z.object({
  /** One sentence when adb could not be asked (not installed, its server not starting); null otherwise. */
  problem: z.string().nullable(),
  devices: z.array(z.object({ serial: z.string(), state: z.string(), model: z.string().nullable() })),
});
export type AdbDeviceListing = z.infer<typeof AdbDeviceListing>;

/** One memory a chip would hold the model or its tensor arena in: what goes there, what it needs and what it has. */
export const FitMemory = z.object({
  /** 'ram': internal RAM usable beside the firmware; 'psram': external PSRAM; 'flash': flash left beside the firmware. */
  memory: z.enum(['ram', 'psram', 'flash']),
  holds: z.array(z.enum(['arena', 'model'])),
  needBytes: z.number().int(),
  haveBytes: z.number().int(),
});
export type FitMemory = z.infer<typeof FitMemory>;

/** Operators of the model TensorFlow Lite Micro, or the firmware a chip runs, cannot run, by kind (every subgraph counted). */
export const FitUnsupportedOp = z.object({
  /** BuiltinOperator name, or a custom op's custom_code. */
  op: z.string(),
  count: z.number().int(),
  /**
   * sparse-weights: DENSIFY (TFLM cannot expand sparse weights); custom-op: a custom op TFLM has no
   * kernel for; not-in-tflm: a builtin TFLM does not register; input-type: TFLM's kernel refuses this input type;
   * not-in-firmware: TFLM has the kernel but the EdgeBench firmware (on the chips it runs on) does not register it.
   */
  reason: z.enum(['sparse-weights', 'custom-op', 'not-in-tflm', 'input-type', 'not-in-firmware']),
  /** For input-type: the type refused, e.g. float16; and the types the kernel takes. */
  inputType: z.string().optional(),
  acceptedTypes: z.array(z.string()).optional(),
});
export type FitUnsupportedOp = z.infer<typeof FitUnsupportedOp>;

/** Something the user can do about a model that does not fit or cannot run; each front-end words it in its own terms. */
export const FitRemedy = z.discriminatedUnion('kind', [
  /** Its weights are float: a full-integer int8 .tflite from TFLite's converter, imported and linked to this model. */
  z.object({ kind: z.literal('int8-tflite') }),
  /** Chips the studio knows whose memory the model fits as it is (ids). */
  z.object({ kind: z.literal('other-chips'), chips: z.array(z.string()) }),
  /** Sparse weights: convert it again without TFLite's sparsity optimization. */
  z.object({ kind: z.literal('dense-weights') }),
  /** Ops TFLM lacks: convert it again with builtin ops only; `replacements` names builtins that do the same job. */
  z.object({ kind: z.literal('builtin-ops'), ops: z.array(z.string()), replacements: z.record(z.string(), z.array(z.string())) }),
  /** No chip the studio knows has the memory, and int8 cannot help (it is int8 already): a smaller model. */
  z.object({ kind: z.literal('smaller-model') }),
  /** Ops TFLM has that the EdgeBench firmware does not register: add them to its op_resolver.cpp, rebuild and reflash. */
  z.object({ kind: z.literal('firmware-ops'), ops: z.array(z.string()) }),
]);
export type FitRemedy = z.infer<typeof FitRemedy>;

/** "Will it fit?" for one chip, from a .tflite alone (an estimate: the firmware reports the real arena). */
export const FitEstimate = z.object({
  /** Chip profile id, e.g. "esp32s3". */
  chip: z.string(),
  /** e.g. "ESP32-S3 (no PSRAM, 8 MiB flash)". */
  label: z.string(),
  /** does-not-fit when a limit is exceeded (then `exceeds` says which); cannot-run when memory fits but TFLM lacks an op. */
  verdict: z.enum(['fits', 'fits-in-psram', 'does-not-fit', 'cannot-run']),
  /** One or two sentences stating the verdict: every limit exceeded and every op TFLM cannot run. */
  sentence: z.string(),
  /** Estimated tensor arena (activations plus interpreter bookkeeping). */
  arenaBytes: z.number().int(),
  /** Constant tensor data: what a flashed build keeps in flash. */
  weightsBytes: z.number().int(),
  modelBytes: z.number().int(),
  /** The limits the model exceeds on this chip: RAM (internal or PSRAM), flash, both or none. */
  exceeds: z.array(z.enum(['ram', 'flash'])).default([]),
  /** Where the model and its arena would go, with what each memory needs and has. */
  memory: z.array(FitMemory).default([]),
  /** Ops TFLM cannot run (the same on every chip), and on chips the EdgeBench firmware runs on, the TFLM ops it does not register. */
  unsupportedOps: z.array(FitUnsupportedOp).default([]),
  /** What the user can do, when it does not fit or cannot run. */
  remedies: z.array(FitRemedy).default([]),
});
export type FitEstimate = z.infer<typeof FitEstimate>;

/** A file sent from the UI (file picker or drag and drop). Base64 so it survives JSON transports. */
export const UploadedFile = z.object({
  name: z.string().min(1).max(255),
  dataBase64: z.string(),
});

/** A PyTorch file to export to ONNX with the user's own Python and torch, then import (models.importPytorch). */
export const PytorchImportRequest = z.object({
  /** A TorchScript file (.pt, .pth, .ptl, .torchscript) or a Python file (.py) that defines the nn.Module. */
  file: UploadedFile,
  /** One shape per model input (e.g. [[1, 3, 224, 224]]); may be empty when the Python file defines example_inputs(). */
  inputShapes: z.array(z.array(z.number().int().min(1).max(1_000_000)).min(1).max(8)).max(16).default([]),
  /** The nn.Module class to build, when the Python file defines several. */
  module: z.string().min(1).max(200).optional(),
  /** The interpreter to export with; found when not given (the one chosen is in the result). */
  python: z.string().min(1).max(1000).optional(),
});
export type PytorchImportRequest = z.infer<typeof PytorchImportRequest>;

export const PytorchImportResult = z.object({
  model: ModelEntry,
  /** The interpreter that exported it, with its torch version, and those passed over with why. */
  python: z.object({ path: z.string(), torch: z.string() }),
  passedOver: z.array(z.object({ path: z.string(), problem: z.string() })),
  /** Where the input sizes came from ("the Input sizes field", "example_inputs() in the file"). */
  inputsFrom: z.string(),
  inputs: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()) })),
  opset: z.number().int(),
  /** torch's outputs against onnxruntime's on the same seeded inputs. */
  parity: z.object({
    ok: z.boolean(),
    reference: z.string(),
    test: z.string(),
    outputs: z.array(z.object({ name: z.string(), cosine: z.number(), maxAbsError: z.number(), maxAbsReference: z.number(), ok: z.boolean() })),
  }),
  /** Everything the exporter printed (torch's warnings, the file's own prints). */
  log: z.array(z.string()),
});
export type PytorchImportResult = z.infer<typeof PytorchImportResult>;

/** Largest model the UI may upload in one request (the CLI imports by path, without this limit). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** A file of a dataset upload; `path` keeps the folder structure (class sub-folders) relative to the chosen folder. */
export const UploadedDatasetFile = z.object({
  path: z.string().min(1).max(1000),
  dataBase64: z.string(),
});

/**
 * One benchmark job: every model × runtime × thread count on one target (a matrix of cells).
 * Runtimes default to each model's own (RUNTIMES_FOR_FORMAT); a runtime that cannot load a
 * model's format is refused with the runtimes that can.
 */
export const BenchRequest = z.object({
  modelIds: z.array(Id).min(1).max(32),
  /** Targets run in parallel with each other; each target's cells run one at a time. */
  targetIds: z.array(Id).min(1).max(16),
  runtimes: z.array(RuntimeName).max(8).optional(),
  /** Intra-op thread counts to try; defaults to [settings.threads]. */
  threads: z.array(z.number().int().min(0).max(256)).min(1).max(8).optional(),
  /** CPU selections to try (all, little, mid, big, 0xMASK), one cell each, like threads; absent: not pinned. */
  cpus: z.array(CpuSelection).min(1).max(8).optional(),
  /** Repeats left out stay out (no default of 1 here): the engine then runs 1, or REPORT_MODE_REPEATS in report mode. */
  settings: BenchSettings.partial().extend({ repeats: BenchSettings.shape.repeats.unwrap().optional() }).default({}),
  /** Energy per inference: the power source read on each target that has one picked (each source's own interval and baseline). */
  energy: z.array(z.object({ targetId: Id, source: PowerSourceName })).max(16).optional(),
});
export type BenchRequest = z.infer<typeof BenchRequest>;

/** A power source a target has for the bench form's Energy option, and why not where it cannot be read. */
export const PowerSourceOption = z.object({
  name: PowerSourceName,
  label: z.string(),
  available: z.boolean(),
  /** What it reads, or why it cannot be read here, one sentence. */
  note: z.string(),
  /** What the user does to make it readable (RAPL's chmod and udev rule). */
  fix: z.string().optional(),
});
export type PowerSourceOption = z.infer<typeof PowerSourceOption>;
export const TargetPowerSources = z.object({ targetId: z.string(), sources: z.array(PowerSourceOption) });
export type TargetPowerSources = z.infer<typeof TargetPowerSources>;

export const BenchCell = z.object({
  index: z.number().int(),
  targetId: z.string(),
  targetName: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  runtime: RuntimeName,
  threads: z.number().int(),
  /** The cell's CPU selection, when the job has a CPU axis. */
  cpus: CpuSelection.optional(),
});
export type BenchCell = z.infer<typeof BenchCell>;

/** Derived from the report format registry (src/shared/plugins/report-formats). */
export { ReportFormat } from './plugins/report-formats';

function call<Req extends z.ZodType, Res extends z.ZodType>(req: Req, res: Res) {
  return { req, res };
}

/**
 * A call whose response has a wire form of its own (a zod codec, such as runs.get's packed
 * samples): the serving side encodes the handler's value (checking it on the way), the calling
 * side decodes and checks it as it parses any response.
 */
function encodedCall<Req extends z.ZodType, Res extends z.ZodType>(req: Req, res: Res) {
  return { req, res, encoded: true as const };
}

const EvalRunRequest = z.object({
  modelIds: z.array(Id).min(1).max(32),
  datasetId: Id,
  /** Fidelity reference (the float model); default: the parent of the first variant given. */
  referenceId: Id.optional(),
  limit: z.number().int().min(1).optional(),
});

export const calls = {
  workspace: {
    info: call(Empty, WorkspaceInfo),
  },
  models: {
    list: call(Empty, z.array(ModelEntry)),
    get: call(z.object({ id: Id }), ModelEntry),
    importFiles: call(z.object({ files: z.array(UploadedFile).min(1).max(64) }), ModelEntry),
    /** Exports a PyTorch file to ONNX with the user's own Python and torch, checks it against torch, and imports the ONNX file. */
    importPytorch: call(PytorchImportRequest, PytorchImportResult),
    /**
     * Removes a model. One with variants is refused in one sentence naming them, unless
     * withVariants, which removes them with it (all or nothing); its runs stay and keep working.
     */
    remove: call(z.object({ id: Id, withVariants: z.boolean().optional() }), z.object({ removed: z.boolean(), removedIds: z.array(z.string()).optional() })),
    /** Makes a quantized variant of an ONNX model (runs in a worker process). */
    quantize: call(
      z.object({
        modelId: Id,
        recipe: QuantRecipe,
        /** Calibration dataset (static mode). */
        datasetId: Id.optional(),
        calibrationSamples: z.number().int().min(1).max(10_000).default(200),
        /**
         * The target (targets.list id) the variant is made for: weight range 'auto' is resolved
         * against its probed CPU (an unprobed one counts as x86 without VNNI). Default 'local'.
         */
        targetId: Id.optional(),
      }),
      ModelEntry,
    ),
    /**
     * Makes a pruned variant of an ONNX or TFLite model (in a worker process): the smallest weights
     * zeroed (magnitude) or convolution channels removed (channels), with its per-layer report and
     * the speed-up answer per engine in its origin.
     */
    prune: call(z.object({ modelId: Id, recipe: PruneRecipe }), ModelEntry),
    /** Links a variant made elsewhere (e.g. an int8 .tflite) to its float model. */
    link: call(z.object({ modelId: Id, parentId: Id }), ModelEntry),
    /**
     * Saves the sizes of a model's symbolic dims and constant input values (models/<id>/inputs.json,
     * written atomically) for every later run and evaluation of it; null or nothing given removes them.
     */
    setInputs: call(z.object({ id: Id, inputs: GivenInputs.nullable() }), ModelEntry),
    /** MACs per inference at the input sizes saved with the model (ONNX), with the note saying which sizes; the reader's own count otherwise. */
    macs: call(z.object({ id: Id }), ModelMacs),
    /** The model's graph as data: every node (subgraphs included), edge, tensor and weight statistic (src/shared/model-graph.ts). */
    graph: call(z.object({ id: Id }), ModelGraph),
  },
  /**
   * One network in several formats (src/shared/networks.ts): the ONNX, TFLite and TF.js files of one
   * network linked by the user (networks.json, written atomically), suggested by structure, and
   * compared with each other on seeded inputs or a dataset.
   */
  networks: {
    list: call(Empty, z.array(NetworkEntry)),
    /** Links models of different formats as one network (or adds them to the network one of them is in). */
    link: call(z.object({ modelIds: z.array(Id).min(2).max(8), name: z.string().min(1).max(200).optional() }), NetworkEntry),
    /** Takes a model out of its network, or dissolves a network (networkId); the models stay. */
    unlink: call(z.object({ modelId: Id.optional(), networkId: Id.optional() }), z.object({ network: NetworkEntry.nullable() })),
    /** Models that look like one network by structure, with the reasons; never applied without the user. */
    suggest: call(Empty, z.array(NetworkSuggestion)),
    /** Every format on the same seeded inputs against the reference format (cosine, top-1 agreement): confirms a link or a suggestion. */
    check: call(z.object({ networkId: Id.optional(), modelIds: z.array(Id).min(2).max(8).optional(), samples: z.number().int().min(1).max(256).optional() }), NetworkAgreement),
    /** Evaluates every format on a dataset (stored like any evaluation) and how far they agree. */
    evaluate: call(z.object({ networkId: Id, datasetId: Id, limit: z.number().int().min(1).optional() }), NetworkAgreement),
  },
  datasets: {
    list: call(Empty, z.array(DatasetEntry)),
    importFiles: call(
      z.object({
        name: z.string().min(1).max(200),
        files: z.array(UploadedDatasetFile).min(1).max(100_000),
      }),
      DatasetEntry,
    ),
    /** Removes a dataset's folder (a damaged one is refused and left alone); evaluations made on it stay. */
    remove: call(z.object({ id: Id }), z.object({ removed: z.boolean() })),
    /** Stores the dataset's preprocessing (dataset.json, written atomically): what every later evaluation and calibration applies. */
    setPreprocessing: call(z.object({ id: Id, preprocessing: StoredPreprocessing }), DatasetEntry),
    /** The first samples after a preprocessing (the stored one, or the one given, unsaved), as thumbnails with their labels. */
    preview: call(z.object({ id: Id, preprocessing: StoredPreprocessing.optional(), count: z.number().int().min(1).max(32).default(8) }), DatasetPreview),
  },
  evals: {
    /**
     * Accuracy and fidelity of each model the dataset fits, each in its own runner; stored in the
     * workspace. The others are skipped (evals.evaluate lists them with the reason); none fits: refused.
     */
    run: call(EvalRunRequest, z.array(EvalRecord)),
    /** evals.run, with the models skipped and why (the dataset does not fit them, as evals.check says, or their runner failed). */
    evaluate: call(EvalRunRequest, EvalRunResult),
    /** Whether each model (default: every model in the workspace) can take the dataset, and why not: the Accuracy page ticks those that can. */
    check: call(z.object({ datasetId: Id, modelIds: z.array(Id).max(256).optional() }), z.array(EvalCheck)),
    list: call(Empty, z.array(EvalRecord)),
    /** Per-layer SQNR between a static int8 variant and its float parent, worst first. */
    layerSqnr: call(z.object({ modelId: Id, datasetId: Id, samples: z.number().int().min(1).max(1000).default(50) }), z.array(LayerSqnr)),
  },
  targets: {
    list: call(Empty, z.array(TargetEntry)),
    probe: call(z.object({ id: Id }), HardwareProfile),
    add: call(TargetConfig, TargetEntry),
    update: call(z.object({ id: Id, config: TargetConfig }), TargetEntry),
    remove: call(z.object({ id: Id }), z.object({ removed: z.boolean() })),
    /**
     * Connects and probes. SSH: a password is held in memory for this session only; an unknown or
     * changed host key is reported with its fingerprint and trusted only when passed back here.
     */
    test: call(
      z.object({ id: Id, password: z.string().max(1000).optional(), acceptHostKey: z.string().max(200).optional() }),
      TargetTestResult,
    ),
  },
  devices: {
    /** Serial ports, with the boards recognized by USB VID/PID. */
    list: call(Empty, z.array(SerialPortInfo)),
    /** Starts a simulated board on a pseudo-terminal and adds it as a serial target. */
    simulate: call(z.object({ protocol: SerialProtocol.default(DEFAULT_SERIAL_PROTOCOL) }), TargetEntry),
    /** Will a workspace .tflite model fit a chip's RAM and flash (every known chip when none is given)? */
    fit: call(z.object({ modelId: Id, chip: z.string().min(1).max(100).optional() }), z.array(FitEstimate)),
    /** Android devices as adb lists them, with their state and model. */
    adb: call(Empty, AdbDeviceListing),
  },
  bench: {
    start: call(BenchRequest, z.object({ jobId: z.string(), cells: z.array(BenchCell) })),
    cancel: call(z.object({ jobId: Id }), z.object({ cancelled: z.boolean() })),
    /** The power sources each target has for energy per inference, readable or not and why. */
    powerSources: call(z.object({ targetIds: z.array(Id).min(1).max(16) }), z.array(TargetPowerSources)),
    /** The 'python:*' runtimes This computer's own Python offers (each interpreter asked by the Python runner's --probe). */
    pythonRuntimes: call(Empty, z.array(PythonRuntimeOffer)),
  },
  runs: {
    list: call(Empty, z.array(RunSummary)),
    /** The samples travel packed (src/shared/packed-samples.ts); callers get a RunFile. */
    get: encodedCall(z.object({ id: Id }), RunFileOnWire),
    /** Removes these runs' files, all or none (an unknown or damaged one is refused before any goes). */
    remove: call(z.object({ ids: z.array(Id).min(1).max(1000) }), z.object({ removed: z.array(z.string()) })),
  },
  reports: {
    /**
     * A report of the chosen runs, as files for preview and download. The page saves them as a
     * download, so the path is always the one the user picked in the save dialog.
     */
    render: call(
      z.object({
        runIds: z.array(Id).min(1).max(64),
        format: ReportFormat,
        baselineId: Id.optional(),
        title: z.string().max(200).optional(),
      }),
      z.object({
        files: z.array(
          z.object({
            name: z.string(),
            mediaType: z.string(),
            dataBase64: z.string(),
            description: z.string(),
            /** A PDF's pages as HTML for the preview frame (the page can neither embed nor frame a PDF); never saved. */
            previewHtml: z.string().optional(),
          }),
        ),
      }),
    ),
  },
  /**
   * The quantization triage loop: keep picked layers of a static int8 variant in float, then
   * evaluate and benchmark the new variant on the same targets, as one job (triage.progress /
   * triage.done); each chain of steps is kept in the workspace (triage/<id>.json).
   */
  triage: {
    start: call(TriageStartRequest, TriageStarted),
    /** Stops the step running; the variant made and the evaluation measured so far stay. */
    cancel: call(z.object({ triageId: Id }), z.object({ cancelled: z.boolean() })),
    list: call(Empty, TriageList),
    layerLatency: call(z.object({ modelId: Id, targetId: Id }), TriageLayerLatencyResult),
  },
} as const;

export const BenchPhase = z.enum(['starting', 'loading', 'warmup', 'measuring', 'profiling', 'saving']);
export type BenchPhase = z.infer<typeof BenchPhase>;

export const events = {
  'bench.progress': z.object({
    jobId: z.string(),
    /** The cell (index into bench.start's cells) this progress is about. */
    cell: z.number().int(),
    cells: z.number().int(),
    phase: BenchPhase,
    /** Iterations done in this phase, and how many are planned (total may grow under minTimeMs). */
    completed: z.number().int(),
    total: z.number().int(),
    /** 0..1 over this cell. */
    cellFraction: z.number().min(0).max(1),
    /** 0..1 over the whole job. */
    fraction: z.number().min(0).max(1),
    /** With repeats: which fresh process of the cell this is (1-based) and how many it runs. */
    repeat: z.number().int().min(1).optional(),
    repeats: z.number().int().min(1).optional(),
  }),
  /**
   * One cell finished: its run, or why it failed (the job goes on with the next cell). `state` is
   * the cell's outcome (src/core/bench/cell-outcome.ts): a partial cell failed (ok false) but
   * kept the run of what it measured (partialRunId). A cancelled cell sends no cellDone; bench.done says so.
   */
  'bench.cellDone': z.discriminatedUnion('ok', [
    z.object({ jobId: z.string(), cell: z.number().int(), ok: z.literal(true), state: z.literal('completed'), runId: z.string() }),
    z.object({
      jobId: z.string(),
      cell: z.number().int(),
      ok: z.literal(false),
      state: z.enum(['partial', 'failed']),
      error: ErrorData,
      /** The runner's last stderr lines, for a crash or a hang. */
      runnerLog: z.array(z.string()),
      /** The partial run saved from the samples measured before the cell failed, if it measured any. */
      partialRunId: z.string().optional(),
    }),
  ]),
  /** The job ended: every cell ran, or it was cancelled (finished cells keep their runs). */
  'bench.done': z.object({
    jobId: z.string(),
    cancelled: z.boolean(),
    runIds: z.array(z.string()),
    failed: z.number().int(),
  }),
  'workspace.changed': z.object({ what: z.enum(['models', 'runs', 'datasets', 'targets', 'evals']) }),
  /** Bytes to and from a serial device, for the live log (text where printable, else hex). */
  'device.log': z.object({ targetId: z.string(), direction: z.enum(['rx', 'tx', 'info']), text: z.string() }),
  /** Uploading a model to a board (SFTP or serial), for a progress bar. */
  'device.upload': z.object({ targetId: z.string(), sentBytes: z.number(), totalBytes: z.number() }),
  /** A long task (quantize, evaluate, per-layer SQNR) says what it is doing. */
  'task.progress': z.object({ task: z.enum(['quantize', 'evaluate', 'layerSqnr', 'importPytorch', 'formats', 'prune']), message: z.string() }),
  /** A triage action (triage.start) says which step runs: quantize, evaluate, or benchmark cell k of N. */
  'triage.progress': TriageProgressEvent,
  /** A triage action ended: completed, cancelled or failed (what it made so far is kept in the session). */
  'triage.done': TriageDoneEvent,
  /** The desktop menu asks the page to show one of its pages (its accelerators take Ctrl/Cmd+1..3 first). */
  'ui.navigate': z.object({ page: z.enum(['models', 'targets', 'runs', 'compare', 'datasets', 'accuracy', 'devices', 'home']) }),
} as const;

type Calls = typeof calls;
export type Namespace = keyof Calls;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What the UI (and any client) sees: `api.models.list({})` etc., plus typed events. */
export type StudioApi = {
  [N in Namespace]: {
    [M in keyof Calls[N]]: Calls[N][M] extends { req: infer Q extends z.ZodType; res: infer S extends z.ZodType }
      ? (req: z.input<Q>) => Promise<z.output<S>>
      : never;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** What the engine implements: the same calls, receiving already-validated requests. */
export type StudioHandlers = {
  [N in Namespace]: {
    [M in keyof Calls[N]]: Calls[N][M] extends { req: infer Q extends z.ZodType; res: infer S extends z.ZodType; encoded: true }
      ? (req: z.output<Q>) => Promise<z.output<S>>
      : Calls[N][M] extends { req: infer Q extends z.ZodType; res: infer S extends z.ZodType }
        ? (req: z.output<Q>) => Promise<z.input<S>>
        : never;
  };
};

/** `encoded`: the response is sent as `res.encode(value)`, not `res.parse(value)` (see encodedCall). */
export type CallDef = { req: z.ZodType; res: z.ZodType; encoded?: true };

/** Every channel name ("models.list") with its definition. */
export function listCalls(): Array<{ channel: string; namespace: string; method: string; def: CallDef }> {
  const out: Array<{ channel: string; namespace: string; method: string; def: CallDef }> = [];
  for (const [namespace, methods] of Object.entries(calls)) {
    for (const [method, def] of Object.entries(methods as Record<string, CallDef>)) {
      out.push({ channel: `${namespace}.${method}`, namespace, method, def });
    }
  }
  return out;
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
