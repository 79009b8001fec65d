import { describeTable } from './suite';

describeTable('onnx-testdata');
