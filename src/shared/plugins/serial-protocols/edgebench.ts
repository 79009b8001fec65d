import { defineSerialProtocol } from './serial-protocol';

export const edgebenchProtocol = defineSerialProtocol({
  name: 'edgebench',
  label: 'EdgeBench',
  description: "The studio's own framed binary protocol (docs/serial-protocol.md): models are uploaded over the cable.",
  defaultBaud: 921600,
  formats: ['tflite'],
  formHint: "the studio's firmware: upload models over the cable",
  boardNote: 'EdgeBench firmware: models are uploaded over the cable.',
  simulated: { button: 'Start a simulated board', targetName: 'Simulated board (ESP32-S3 model)', testId: 'simulate-edgebench' },
});
