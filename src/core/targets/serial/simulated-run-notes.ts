/**
 * What a simulated board really ran, said in its run file. The simulator (simulator/
 * simulated-board.ts) runs no TensorFlow Lite Micro: LiteRT.js on the host computes the outputs
 * and the latencies are the host's invoke times scaled to the chip. It loads a file with int8
 * inputs or outputs as LiteRT.js on this computer does, through the labelled uint8 adapter
 * (runner/runtimes/litert-int8-io.ts), since LiteRT.js has no int8 tensors.
 *
 * The wire protocol is the real firmware's, whose TFLM has int8 tensors and needs no adapter, so
 * no frame carries such a note. The host applies the function the simulator applies
 * (liteRtLoadable) to the bytes it uploaded: the same answer, without a protocol change for a
 * stand-in.
 */
import type { RunWarning } from '../../../shared/run-schema';
import { int8IoAdapterNote, liteRtLoadable } from '../../runner/runtimes/litert-int8-io';
import type { DeviceFacts } from './edgebench-protocol/messages';

/** The code of a runtime's note on how it loaded the model, as local LiteRT.js runs write it (run-local-benchmark.ts). */
const RUNTIME_LOAD_NOTE = 'runtime-load-note';
/** The code of the note that says a run's board was the simulator. */
export const SIMULATED_BOARD_NOTE = 'simulated-board';

/** The notes of a run on `facts`' board; none for a real board. */
export function simulatedBoardNotes(facts: DeviceFacts, model: Uint8Array, fileName: string): RunWarning[] {
  if (!facts.simulated) return [];
  const notes: RunWarning[] = [
    {
      code: SIMULATED_BOARD_NOTE,
      message: `No TensorFlow Lite Micro ran on this simulated board: ${facts.tflmVersion} computed the outputs, and the latencies are the host's invoke times scaled to the simulated chip, not measured on one.`,
    },
  ];
  const adapted = liteRtLoadable(model, fileName).adapted;
  if (adapted !== undefined) notes.push({ code: RUNTIME_LOAD_NOTE, message: int8IoAdapterNote(adapted) });
  return notes;
}
