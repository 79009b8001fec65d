import { describeTable } from './suite';

describeTable('tflite');
