/**
 * The canonical one-line rendering of a decoded message that test/fixtures/serial-vectors/frames.txt
 * stores next to each frame. test/firmware/test_vectors.cpp renders host requests the same way,
 * so both implementations are checked against the same decoded fields.
 */
import { MsgType, msgTypeName } from '../../../src/core/targets/serial/edgebench-protocol/frame';
import * as m from '../../../src/core/targets/serial/edgebench-protocol/messages';

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const tensors = (list: m.DeviceTensor[]): string => list.map((t) => `${t.dtype}:[${t.shape.join(',')}]:${t.sizeBytes}`).join(';');

export function renderMessage(type: number, payload: Uint8Array): string {
  switch (type) {
    case MsgType.HELLO:
      return `HELLO version=${m.decodeHello(payload)}`;
    case MsgType.MODEL_BEGIN: {
      const b = m.decodeModelBegin(payload);
      return `MODEL_BEGIN size=${b.sizeBytes} sha256=${hex(b.sha256)}`;
    }
    case MsgType.MODEL_CHUNK: {
      const c = m.decodeModelChunk(payload);
      return `MODEL_CHUNK offset=${c.offset} data=${hex(c.data)}`;
    }
    case MsgType.MODEL_END:
      return 'MODEL_END';
    case MsgType.INPUT: {
      const i = m.decodeInput(payload);
      return `INPUT index=${i.index} offset=${i.offset} data=${hex(i.data)}`;
    }
    case MsgType.RUN: {
      const r = m.decodeRun(payload);
      return `RUN warmup=${r.warmup} runs=${r.runs}`;
    }
    case MsgType.READ_OUTPUT: {
      const r = m.decodeReadOutput(payload);
      return `READ_OUTPUT index=${r.index} offset=${r.offset} length=${r.length}`;
    }
    case MsgType.PROFILE:
      return `PROFILE runs=${m.decodeProfile(payload).runs}`;
    case MsgType.OP_PROFILE: {
      const p = m.decodeOpProfile(payload);
      return `OP_PROFILE simulated=${Number(p.simulated)} tps=${p.ticksPerSecond} runs=${p.runs} total=${p.totalOps} first=${p.first} ops=${p.ops.map((op) => `${op.index}:${op.name}:${op.ticks}`).join(',')}`;
    }
    case MsgType.HELLO_ACK: {
      const f = m.decodeHelloAck(payload);
      return (
        `HELLO_ACK version=${f.protocolVersion} simulated=${Number(f.simulated)} cores=${f.cores} mhz=${f.cpuMHz} chunk=${f.maxChunkBytes} ` +
        `runs=${f.maxRunsPerRequest} flash=${f.flashBytes} psram=${f.psramBytes} arena=${f.arenaCapacityBytes} model=${f.modelCapacityBytes} ` +
        `chip="${f.chipModel}" idf="${f.idfVersion}" tflm="${f.tflmVersion}" firmware="${f.firmwareVersion}"`
      );
    }
    case MsgType.ACK:
      return `ACK next=${m.decodeAck(payload)}`;
    case MsgType.NAK: {
      const n = m.decodeNak(payload);
      return `NAK reason=${n.reason} expected=${n.expectedOffset}`;
    }
    case MsgType.LOADED: {
      const l = m.decodeLoaded(payload);
      return `LOADED arena=${l.arenaUsedBytes} capacity=${l.arenaCapacityBytes} model=${l.modelBytes} operators=${l.operators} ops=${l.opKinds.join(',')} inputs=${tensors(l.inputs)} outputs=${tensors(l.outputs)}`;
    }
    case MsgType.PROGRESS: {
      const p = m.decodeProgress(payload);
      return `PROGRESS phase=${p.phase === 'warmup' ? 0 : p.phase === 'timed' ? 1 : 2} done=${p.done} total=${p.total}`;
    }
    case MsgType.RESULT: {
      const r = m.decodeResult(payload);
      return `RESULT simulated=${Number(r.simulated)} total=${r.totalRuns} first=${r.first} free=${r.freeHeapBytes} min=${r.minFreeHeapBytes} latencies=${r.latenciesUs.join(',')}`;
    }
    case MsgType.OUTPUT: {
      const o = m.decodeOutput(payload);
      return `OUTPUT index=${o.index} offset=${o.offset} total=${o.total} data=${hex(o.data)}`;
    }
    case MsgType.LOG:
      return `LOG text="${m.decodeLog(payload)}"`;
    case MsgType.ERROR: {
      const e = m.decodeError(payload);
      return `ERROR code=${e.code} message="${e.message}"`;
    }
    default:
      return `UNKNOWN ${msgTypeName(type)}`;
  }
}
