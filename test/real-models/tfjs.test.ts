import { describeTable } from './suite';

describeTable('tfjs');
