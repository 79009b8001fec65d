import { defineSerialProtocol } from './serial-protocol';

export const mlperfTinyProtocol = defineSerialProtocol({
  name: 'mlperf-tiny',
  label: 'MLPerf Tiny',
  description: "MLPerf Tiny's ASCII device-under-test protocol: the board runs the model its firmware was built with.",
  defaultBaud: 115200,
  formats: [],
  formHint: 'a board flashed with MLPerf Tiny firmware (its model is built in)',
  boardNote: 'MLPerf Tiny firmware: runs the model it was built with.',
  simulated: { button: 'Simulated MLPerf Tiny board', targetName: 'Simulated MLPerf Tiny board', testId: 'simulate-mlperf' },
});
