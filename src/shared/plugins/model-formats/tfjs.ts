import { defineModelFormat } from './model-format';

export const tfjsFormat = defineModelFormat({
  name: 'tfjs',
  label: 'TF.js',
  description: 'A TensorFlow.js graph or layers model: model.json with its .bin weight shards.',
  withArticle: 'a TF.js',
  extensions: ['.json'],
  // A TF.js model is named after its folder, and its file is always model.json.
  fileName: (modelName) => `${modelName}/model.json`,
  detectOrder: 2,
});
