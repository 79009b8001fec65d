/** Home's next step when models look like one network in several formats (issue 13 item 3). */
import { describe, expect, it } from 'vitest';
import { linkFormatsSteps } from '../../../src/renderer/src/components/networks/home-steps';
import type { ModelEntry } from '../../../src/shared/contract';
import type { ModelFormat } from '../../../src/shared/model-info';

const model = (id: string, name: string, format: ModelFormat): ModelEntry => ({
  id, name, importedAt: '', variant: 'float', files: [], origin: null, savedInputs: null, savedInputsProblem: null,
  info: { format, fileName: name, producer: null, formatVersion: null, inputs: [], outputs: [], ops: {}, parameters: 0, sizeBytes: 0, sha256: id, macs: 0, macsByOp: {}, notes: [] },
});

describe("Home's link-formats step", () => {
  const models = [model('a', 'demo-mnist', 'onnx'), model('b', 'demo-mnist', 'tflite'), model('c', 'demo-mnist-tfjs', 'tfjs')];

  it('names the first suggestion and links to its first model', () => {
    expect(linkFormatsSteps([{ modelIds: ['a', 'b', 'c'], networkId: null, name: 'demo-mnist', reasons: [] }, { modelIds: ['b', 'c'], networkId: null, name: 'x', reasons: [] }], models)).toEqual([
      {
        id: 'link-formats',
        text: 'demo-mnist (ONNX), demo-mnist (TFLite), demo-mnist-tfjs (TF.js) look like one network in several formats: link them to benchmark and evaluate the formats side by side.',
        link: '#/models/a',
        linkText: 'Check and link the formats',
      },
    ]);
  });

  it('says nothing without a suggestion', () => {
    expect(linkFormatsSteps([], models)).toEqual([]);
  });
});
