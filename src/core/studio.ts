import type { EventName, EventPayload, StudioHandlers } from '../shared/contract';
import { StudioError } from '../shared/errors';
import { validateEvent } from '../shared/rpc';
import { BenchJobs } from './jobs/bench-jobs';
import { powerSourcesFor } from './power/source-availability';
import { TargetService } from './jobs/target-service';
import { TriageJobs } from './jobs/triage-job';
import { importUploadedDataset } from './jobs/dataset-upload';
import { importPytorchModel } from './jobs/pytorch-import';
import { createPrunedVariant } from './jobs/prune-jobs';
import { estimateWorkspaceModelFit } from './jobs/fit-job';
import { checkEvaluable, runEvaluations } from './jobs/eval-jobs';
import { savedSizeMacs } from './jobs/model-macs';
import { networkHandlers } from './jobs/network-handlers';
import { readModelGraphFile } from './formats/graph/model-graph';
import { mainModelPath } from './workspace/model-store';
import { renderWorkspaceReport } from './jobs/report-jobs';
import { createQuantizedVariant, layerSqnrOfVariant, linkVariant, variantTarget } from './jobs/variant-jobs';
import { findResourcesDir } from './resources';
import { LocalPythons } from './targets/python-runtimes';
import type { Studio, StudioEventListener, StudioOptions } from './studio-types';
import { saveModelInputs } from './workspace/inputs-store';
import { importModel } from './workspace/model-store';
import { removeDatasetEntry, removeModelEntries, removeRunFiles } from './workspace/remove-entries';
import { previewDataset, storePreprocessing } from './datasets/dataset-preview';
import { seedDemo } from './workspace/seed';
import { listAdbDevices } from './targets/adb/adb-list';
import { summarizeRun, toDatasetEntry, Workspace } from './workspace/workspace';

export type { Studio, StudioOptions } from './studio-types';


/** Opens (and on first start seeds) a workspace and returns the engine behind the contract. */
export async function openStudio(options: StudioOptions & { resourcesDir?: string }): Promise<Studio> {
  const workspace = new Workspace(options.workspaceDir);
  const { marker } = await workspace.ensure();
  if (options.seedDemo && !marker.seededDemo) {
    await seedDemo(workspace, options.resourcesDir ?? findResourcesDir());
    await workspace.markSeeded(marker);
  }

  const listeners = new Set<StudioEventListener>();
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    const valid = validateEvent(event, payload);
    for (const listener of listeners) listener(event, valid);
  };
  const targets = new TargetService(workspace.root, emit, options.boardSpawner);
  const jobs = new BenchJobs({
    workspace,
    spawner: options.runnerSpawner,
    emit,
    resolveTarget: (id) => targets.resolve(id),
    targetContext: (id) => targets.context(id),
  });
  const triage = new TriageJobs({
    workspace,
    runnerSpawner: options.runnerSpawner,
    workerSpawner: options.workerSpawner,
    bench: jobs,
    listTargets: () => targets.list(),
    emit,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });

  const evaluate: StudioHandlers['evals']['evaluate'] = async (request) => {
    const outcome = await runEvaluations(workspace, options.runnerSpawner, request, (message) => emit('task.progress', { task: 'evaluate', message }));
    emit('workspace.changed', { what: 'evals' });
    return outcome;
  };

  const handlers: StudioHandlers = {
    workspace: {
      info: async () => {
        const snapshot = await workspace.scan();
        return {
          path: workspace.root,
          modelCount: snapshot.models.length,
          runCount: snapshot.runs.length,
          datasetCount: snapshot.datasets.length,
          problems: snapshot.problems,
        };
      },
    },
    models: {
      list: () => workspace.listModels(),
      quantize: async ({ targetId, ...request }) => {
        const target = variantTarget(await targets.list(), targetId, request.recipe);
        const entry = await createQuantizedVariant(workspace, options.workerSpawner, { ...request, target }, (message) =>
          emit('task.progress', { task: 'quantize', message }),
        );
        emit('workspace.changed', { what: 'models' });
        return entry;
      },
      setInputs: async ({ id, inputs }) => {
        const entry = await saveModelInputs(workspace, id, inputs, 'ui');
        emit('workspace.changed', { what: 'models' });
        return entry;
      },
      macs: ({ id }) => savedSizeMacs(workspace, id),
      graph: async ({ id }) => readModelGraphFile(mainModelPath(workspace, await workspace.readModelEntry(id))),
      link: async ({ modelId, parentId }) => {
        const entry = await linkVariant(workspace, modelId, parentId);
        emit('workspace.changed', { what: 'models' });
        return entry;
      },
      get: async ({ id }) => workspace.readModelEntry(id),
      importFiles: async ({ files }) => {
        const entry = await importModel(
          workspace,
          files.map((file) => ({ name: file.name, data: decodeBase64(file.name, file.dataBase64) })),
        );
        emit('workspace.changed', { what: 'models' });
        return entry;
      },
      prune: async ({ modelId, recipe }) => {
        const entry = await createPrunedVariant(workspace, options.workerSpawner, { modelId, recipe }, (message) => emit('task.progress', { task: 'prune', message }));
        emit('workspace.changed', { what: 'models' });
        return entry;
      },
      importPytorch: async (request) => {
        const result = await importPytorchModel(workspace, request, { onLog: (line) => emit('task.progress', { task: 'importPytorch', message: line }) });
        emit('workspace.changed', { what: 'models' });
        return result;
      },
      remove: async ({ id, withVariants }) => {
        const removedIds = await removeModelEntries(workspace, id, withVariants ?? false);
        emit('workspace.changed', { what: 'models' });
        return { removed: true, removedIds };
      },
    },
    networks: networkHandlers(workspace, options.runnerSpawner, emit),
    datasets: {
      list: () => workspace.listDatasets(),
      importFiles: async ({ name, files }) => {
        const entry = await importUploadedDataset(workspace, {
          name,
          files: files.map((file) => ({ path: file.path, data: decodeBase64(file.path, file.dataBase64) })),
        });
        emit('workspace.changed', { what: 'datasets' });
        return entry;
      },
      remove: async ({ id }) => {
        await removeDatasetEntry(workspace, id);
        emit('workspace.changed', { what: 'datasets' });
        return { removed: true };
      },
      setPreprocessing: async ({ id, preprocessing }) => {
        const { dir } = await workspace.readDataset(id);
        const entry = toDatasetEntry(id, await storePreprocessing(dir, preprocessing));
        emit('workspace.changed', { what: 'datasets' });
        return entry;
      },
      preview: async ({ id, preprocessing, count }) => previewDataset((await workspace.readDataset(id)).dir, count, preprocessing),
    },
    evals: {
      run: async (request) => (await evaluate(request)).records,
      evaluate,
      check: (request) => checkEvaluable(workspace, request),
      list: () => workspace.listEvals(),
      layerSqnr: (request) =>
        layerSqnrOfVariant(workspace, options.workerSpawner, request, (message) => emit('task.progress', { task: 'layerSqnr', message })),
    },
    targets: {
      list: () => targets.list(),
      probe: ({ id }) => targets.probe(id),
      add: (config) => targets.add(config),
      update: ({ id, config }) => targets.update(id, config),
      remove: async ({ id }) => ({ removed: await targets.remove(id) }),
      test: ({ id, password, acceptHostKey }) => targets.test(id, password, acceptHostKey),
    },
    devices: {
      list: () => targets.listPorts(),
      simulate: ({ protocol }) => targets.simulate(protocol),
      fit: ({ modelId, chip }) => estimateWorkspaceModelFit(workspace, modelId, chip),
      adb: () => listAdbDevices(),
    },
    bench: {
      start: (request) => jobs.start(request),
      cancel: async ({ jobId }) => jobs.cancel(jobId),
      powerSources: async ({ targetIds }) =>
        Promise.all(
          targetIds.map(async (targetId) => {
            const target = await targets.resolve(targetId);
            return { targetId, sources: powerSourcesFor('stored' in target ? target.stored.config.kind : 'local') };
          }),
        ),
      pythonRuntimes: async () => new LocalPythons().runtimes(),
    },
    runs: {
      list: async () => (await workspace.listRuns()).map(summarizeRun),
      get: async ({ id }) => workspace.readRun(id),
      remove: async ({ ids }) => {
        const removed = await removeRunFiles(workspace, ids);
        emit('workspace.changed', { what: 'runs' });
        return { removed };
      },
    },
    reports: {
      render: async (request) => ({ files: await renderWorkspaceReport(workspace, request, options.pdfPrinter) }),
    },
    triage: {
      start: (request) => triage.start(request),
      cancel: async ({ triageId }) => triage.cancel(triageId),
      list: () => triage.list(),
      layerLatency: (request) => triage.layerLatency(request),
    },
  };

  return {
    workspaceDir: workspace.root,
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      await triage.closeAll();
      await jobs.closeAll();
      await targets.close();
    },
  };
}

function decodeBase64(name: string, base64: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new StudioError('BAD_INPUT', `The upload of '${name}' is not valid base64; try the import again.`, { file: name });
  }
  return Buffer.from(base64, 'base64');
}
