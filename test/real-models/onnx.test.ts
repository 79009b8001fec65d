import { describeTable } from './suite';

describeTable('onnx');
