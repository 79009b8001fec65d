/**
 * Message payloads of the EdgeBench serial protocol v1 and v2 (all integers little-endian), the
 * twin of resources/firmware/esp32-tflm/components/edgebench_protocol/src/messages.cpp. v2 keeps
 * every v1 payload as it was and adds PROFILE / OP_PROFILE (per-op ticks). Byte layouts:
 * docs/serial-protocol.md.
 */
import { ByteReader, ByteWriter } from './bytes';
import { PROTOCOL_VERSION } from './frame';

/** HELLO_ACK and RESULT flag: the replies come from the simulated board, not hardware. */
export const FLAG_SIMULATED = 0x01;

export const NakReason = { BAD_FRAME: 1, WRONG_OFFSET: 2 } as const;

/**
 * A frame's payload holds a chunk plus this much (a chunk's offset, an input's index): the
 * firmware's kMaxPayloadBytes = kMaxChunkBytes + 16. Every page size below derives from it.
 */
export const PAYLOAD_HEADROOM_BYTES = 16;
export const maxPayloadBytes = (maxChunkBytes: number): number => maxChunkBytes + PAYLOAD_HEADROOM_BYTES;
/** RESULT header: flags 1, total 4, first 4, count 2, free heap 4, min free heap 4; then 4 bytes per latency. */
export const RESULT_HEADER_BYTES = 19;
export const resultLatenciesPerPage = (maxChunkBytes: number): number => Math.floor((maxPayloadBytes(maxChunkBytes) - RESULT_HEADER_BYTES) / 4);
/** OP_PROFILE header: flags 1, ticks per second 4, runs 2, total ops 2, first 2, count 2. */
export const OP_PROFILE_HEADER_BYTES = 13;
/** The longest op name an OP_PROFILE entry carries (TFLM's builtin names are at most 31 characters). */
export const OP_NAME_MAX_BYTES = 31;
const utf8 = new TextEncoder();
/** One OP_PROFILE entry: index u16, ticks u64, name str8 (cut at OP_NAME_MAX_BYTES). */
export const opProfileEntryBytes = (name: string): number => 2 + 8 + 1 + Math.min(OP_NAME_MAX_BYTES, utf8.encode(name).length);

/** ERROR codes; the names are what logs and error contexts show. */
export const DeviceErrorCode = {
  PROTOCOL_VERSION: 1,
  BAD_REQUEST: 2,
  MODEL_TOO_BIG: 3,
  SHA_MISMATCH: 4,
  SCHEMA: 5,
  UNSUPPORTED_OP: 6,
  ARENA_TOO_SMALL: 7,
  NO_MODEL: 8,
  INVOKE_FAILED: 9,
  BAD_STATE: 10,
  INPUT_SIZE: 11,
  TOO_MANY_RUNS: 12,
} as const;
export type DeviceErrorName = keyof typeof DeviceErrorCode;

export function deviceErrorName(code: number): string {
  return Object.entries(DeviceErrorCode).find(([, value]) => value === code)?.[0] ?? `ERROR_${code}`;
}

/** What HELLO_ACK says about the board. */
export interface DeviceFacts {
  protocolVersion: number;
  simulated: boolean;
  cores: number;
  cpuMHz: number;
  maxChunkBytes: number;
  maxRunsPerRequest: number;
  flashBytes: number;
  psramBytes: number;
  arenaCapacityBytes: number;
  modelCapacityBytes: number;
  chipModel: string;
  idfVersion: string;
  tflmVersion: string;
  firmwareVersion: string;
}

export interface DeviceTensor {
  /** TFLite TensorType code (0 float32, 9 int8, ...). */
  dtype: number;
  sizeBytes: number;
  shape: number[];
}

/** LOADED: what the interpreter built from the model. */
export interface LoadedInfo {
  arenaUsedBytes: number;
  arenaCapacityBytes: number;
  modelBytes: number;
  operators: number;
  opKinds: string[];
  inputs: DeviceTensor[];
  outputs: DeviceTensor[];
}

export interface ResultPage {
  simulated: boolean;
  totalRuns: number;
  first: number;
  freeHeapBytes: number;
  minFreeHeapBytes: number;
  latenciesUs: number[];
}

export const encodeHello = (version = PROTOCOL_VERSION): Uint8Array => new ByteWriter().u8(version).finish();
export function decodeHello(payload: Uint8Array): number {
  const r = new ByteReader(payload, 'HELLO');
  const version = r.u8();
  r.end();
  return version;
}

export function encodeHelloAck(f: DeviceFacts): Uint8Array {
  return new ByteWriter()
    .u8(f.protocolVersion).u8(f.simulated ? FLAG_SIMULATED : 0).u8(f.cores).u8(0).u16(f.cpuMHz)
    .u32(f.maxChunkBytes).u32(f.maxRunsPerRequest).u32(f.flashBytes).u32(f.psramBytes)
    .u32(f.arenaCapacityBytes).u32(f.modelCapacityBytes)
    .str8(f.chipModel).str8(f.idfVersion).str8(f.tflmVersion).str8(f.firmwareVersion)
    .finish();
}
export function decodeHelloAck(payload: Uint8Array): DeviceFacts {
  const r = new ByteReader(payload, 'HELLO_ACK');
  const protocolVersion = r.u8();
  const flags = r.u8();
  const cores = r.u8();
  r.u8(); // reserved
  const facts: DeviceFacts = {
    protocolVersion, simulated: (flags & FLAG_SIMULATED) !== 0, cores, cpuMHz: r.u16(),
    maxChunkBytes: r.u32(), maxRunsPerRequest: r.u32(), flashBytes: r.u32(), psramBytes: r.u32(),
    arenaCapacityBytes: r.u32(), modelCapacityBytes: r.u32(),
    chipModel: r.str8(), idfVersion: r.str8(), tflmVersion: r.str8(), firmwareVersion: r.str8(),
  };
  r.end();
  return facts;
}

export const encodeModelBegin = (sizeBytes: number, sha256: Uint8Array): Uint8Array => new ByteWriter().u32(sizeBytes).bytes(sha256).finish();
export function decodeModelBegin(payload: Uint8Array): { sizeBytes: number; sha256: Uint8Array } {
  const r = new ByteReader(payload, 'MODEL_BEGIN');
  const out = { sizeBytes: r.u32(), sha256: r.bytes(32) };
  r.end();
  return out;
}

export const encodeModelChunk = (offset: number, data: Uint8Array): Uint8Array => new ByteWriter().u32(offset).bytes(data).finish();
export function decodeModelChunk(payload: Uint8Array): { offset: number; data: Uint8Array } {
  const r = new ByteReader(payload, 'MODEL_CHUNK');
  return { offset: r.u32(), data: r.rest() };
}

export const encodeInput = (index: number, offset: number, data: Uint8Array): Uint8Array => new ByteWriter().u8(index).u32(offset).bytes(data).finish();
export function decodeInput(payload: Uint8Array): { index: number; offset: number; data: Uint8Array } {
  const r = new ByteReader(payload, 'INPUT');
  return { index: r.u8(), offset: r.u32(), data: r.rest() };
}

export const encodeRun = (warmup: number, runs: number): Uint8Array => new ByteWriter().u16(warmup).u32(runs).finish();
export function decodeRun(payload: Uint8Array): { warmup: number; runs: number } {
  const r = new ByteReader(payload, 'RUN');
  const out = { warmup: r.u16(), runs: r.u32() };
  r.end();
  return out;
}

export const encodeReadOutput = (index: number, offset: number, length: number): Uint8Array => new ByteWriter().u8(index).u32(offset).u32(length).finish();
export function decodeReadOutput(payload: Uint8Array): { index: number; offset: number; length: number } {
  const r = new ByteReader(payload, 'READ_OUTPUT');
  const out = { index: r.u8(), offset: r.u32(), length: r.u32() };
  r.end();
  return out;
}

export const encodeAck = (nextOffset: number): Uint8Array => new ByteWriter().u32(nextOffset).finish();
export function decodeAck(payload: Uint8Array): number {
  const r = new ByteReader(payload, 'ACK');
  const next = r.u32();
  r.end();
  return next;
}

export const encodeNak = (reason: number, expectedOffset: number): Uint8Array => new ByteWriter().u8(reason).u32(expectedOffset).finish();
export function decodeNak(payload: Uint8Array): { reason: number; expectedOffset: number } {
  const r = new ByteReader(payload, 'NAK');
  const out = { reason: r.u8(), expectedOffset: r.u32() };
  r.end();
  return out;
}

function writeTensor(w: ByteWriter, t: DeviceTensor): void {
  w.u8(t.dtype).u8(t.shape.length).u32(t.sizeBytes);
  for (const dim of t.shape) w.i32(dim);
}
function readTensor(r: ByteReader): DeviceTensor {
  const dtype = r.u8();
  const rank = r.u8();
  const sizeBytes = r.u32();
  return { dtype, sizeBytes, shape: Array.from({ length: rank }, () => r.i32()) };
}

export function encodeLoaded(info: LoadedInfo): Uint8Array {
  const w = new ByteWriter().u32(info.arenaUsedBytes).u32(info.arenaCapacityBytes).u32(info.modelBytes).u16(info.operators).u8(info.opKinds.length);
  for (const name of info.opKinds) w.str8(name);
  w.u8(info.inputs.length);
  for (const t of info.inputs) writeTensor(w, t);
  w.u8(info.outputs.length);
  for (const t of info.outputs) writeTensor(w, t);
  return w.finish();
}
export function decodeLoaded(payload: Uint8Array): LoadedInfo {
  const r = new ByteReader(payload, 'LOADED');
  const arenaUsedBytes = r.u32();
  const arenaCapacityBytes = r.u32();
  const modelBytes = r.u32();
  const operators = r.u16();
  const opKinds = Array.from({ length: r.u8() }, () => r.str8());
  const inputs = Array.from({ length: r.u8() }, () => readTensor(r));
  const outputs = Array.from({ length: r.u8() }, () => readTensor(r));
  r.end();
  return { arenaUsedBytes, arenaCapacityBytes, modelBytes, operators, opKinds, inputs, outputs };
}

export const encodeProgress = (phase: number, done: number, total: number): Uint8Array => new ByteWriter().u8(phase).u32(done).u32(total).finish();
/** PROGRESS phases: 0 warmup, 1 timed (RUN), 2 profiled (v2 PROFILE). */
export const ProgressPhase = { WARMUP: 0, TIMED: 1, PROFILED: 2 } as const;
export function decodeProgress(payload: Uint8Array): { phase: 'warmup' | 'timed' | 'profiled'; done: number; total: number } {
  const r = new ByteReader(payload, 'PROGRESS');
  const code = r.u8();
  const phase = code === ProgressPhase.WARMUP ? ('warmup' as const) : code === ProgressPhase.PROFILED ? ('profiled' as const) : ('timed' as const);
  const out = { phase, done: r.u32(), total: r.u32() };
  r.end();
  return out;
}

/** One op's profiled time: its position in the invoke (operator index of subgraph 0), TFLM's op name, ticks summed over the runs. */
export interface OpTicks {
  index: number;
  name: string;
  ticks: number;
}

/** One OP_PROFILE page: entries [first, first + ops.length) of totalOps. */
export interface OpProfilePage {
  simulated: boolean;
  /** The profiler's clock (TFLM's ticks_per_second(); 1,000,000 where ticks are esp_timer microseconds). */
  ticksPerSecond: number;
  runs: number;
  totalOps: number;
  first: number;
  ops: OpTicks[];
}

/** PROFILE: `runs` profiled invokes (1..65535), untimed as a whole; the device answers with OP_PROFILE pages. */
export const encodeProfile = (runs: number): Uint8Array => new ByteWriter().u16(runs).finish();
export function decodeProfile(payload: Uint8Array): { runs: number } {
  const r = new ByteReader(payload, 'PROFILE');
  const out = { runs: r.u16() };
  r.end();
  return out;
}

export function encodeOpProfile(page: OpProfilePage): Uint8Array {
  const w = new ByteWriter().u8(page.simulated ? FLAG_SIMULATED : 0).u32(page.ticksPerSecond).u16(page.runs).u16(page.totalOps).u16(page.first).u16(page.ops.length);
  for (const op of page.ops) w.u16(op.index).u64(op.ticks).str8(cutName(op.name));
  return w.finish();
}
export function decodeOpProfile(payload: Uint8Array): OpProfilePage {
  const r = new ByteReader(payload, 'OP_PROFILE');
  const simulated = (r.u8() & FLAG_SIMULATED) !== 0;
  const ticksPerSecond = r.u32();
  const runs = r.u16();
  const totalOps = r.u16();
  const first = r.u16();
  const ops = Array.from({ length: r.u16() }, () => ({ index: r.u16(), ticks: r.u64(), name: r.str8() }));
  r.end();
  return { simulated, ticksPerSecond, runs, totalOps, first, ops };
}

/** Splits a profile into pages that each fill at most one frame (as device.cpp pages it). */
export function opProfilePages(ops: readonly OpTicks[], maxChunkBytes: number): Array<{ first: number; ops: OpTicks[] }> {
  const room = maxPayloadBytes(maxChunkBytes) - OP_PROFILE_HEADER_BYTES;
  const pages: Array<{ first: number; ops: OpTicks[] }> = [];
  let page: { first: number; ops: OpTicks[] } = { first: 0, ops: [] };
  let used = 0;
  ops.forEach((op, i) => {
    const bytes = opProfileEntryBytes(op.name);
    if (page.ops.length > 0 && used + bytes > room) {
      pages.push(page);
      page = { first: i, ops: [] };
      used = 0;
    }
    page.ops.push(op);
    used += bytes;
  });
  if (page.ops.length > 0 || pages.length === 0) pages.push(page);
  return pages;
}

function cutName(name: string): string {
  const bytes = utf8.encode(name);
  return bytes.length <= OP_NAME_MAX_BYTES ? name : new TextDecoder().decode(bytes.subarray(0, OP_NAME_MAX_BYTES));
}

export function encodeResult(page: ResultPage): Uint8Array {
  const w = new ByteWriter().u8(page.simulated ? FLAG_SIMULATED : 0).u32(page.totalRuns).u32(page.first).u16(page.latenciesUs.length);
  w.u32(page.freeHeapBytes).u32(page.minFreeHeapBytes);
  for (const latency of page.latenciesUs) w.u32(latency);
  return w.finish();
}
export function decodeResult(payload: Uint8Array): ResultPage {
  const r = new ByteReader(payload, 'RESULT');
  const simulated = (r.u8() & FLAG_SIMULATED) !== 0;
  const totalRuns = r.u32();
  const first = r.u32();
  const count = r.u16();
  const freeHeapBytes = r.u32();
  const minFreeHeapBytes = r.u32();
  const latenciesUs = Array.from({ length: count }, () => r.u32());
  r.end();
  return { simulated, totalRuns, first, freeHeapBytes, minFreeHeapBytes, latenciesUs };
}

export const encodeOutput = (index: number, offset: number, total: number, data: Uint8Array): Uint8Array =>
  new ByteWriter().u8(index).u32(offset).u32(total).bytes(data).finish();
export function decodeOutput(payload: Uint8Array): { index: number; offset: number; total: number; data: Uint8Array } {
  const r = new ByteReader(payload, 'OUTPUT');
  return { index: r.u8(), offset: r.u32(), total: r.u32(), data: r.rest() };
}

export const encodeLog = (text: string): Uint8Array => new ByteWriter().text(text).finish();
export const decodeLog = (payload: Uint8Array): string => new ByteReader(payload, 'LOG').text();

export const encodeError = (code: number, message: string): Uint8Array => new ByteWriter().u16(code).text(message).finish();
export function decodeError(payload: Uint8Array): { code: number; message: string } {
  const r = new ByteReader(payload, 'ERROR');
  return { code: r.u16(), message: r.text() };
}
