// Loaded with --import into a simulated board started by board-parent-fixture.ts in 'utility'
// mode: gives the board the `process.parentPort` an Electron utilityProcess has (an emitter of
// { data } message events), fed from Node's IPC channel, since no Electron binary runs here.
import { EventEmitter } from 'node:events';

const parentPort = new EventEmitter();
process.parentPort = parentPort;
process.on('message', (data) => parentPort.emit('message', { data }));
