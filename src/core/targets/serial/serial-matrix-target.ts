/**
 * The serial kind of the target registry: a stored serial target (port, baud, protocol) becomes a
 * matrix `target` whose cells upload the model to a board running the EdgeBench firmware, or run
 * the firmware's own model on a board with MLPerf Tiny benchmark firmware.
 */
import type { TargetTestResult } from '../../../shared/contract';
import { StudioError, detailOf, type ErrorDetail } from '../../../shared/errors';
import type { SerialProtocol } from '../../../shared/plugins/serial-protocols';
import { targetSpecOf, type SerialTargetConfig } from '../../../shared/targets';
import { restatePartial, type Measured } from '../../bench/cell-outcome';
import type { OpenTarget, TargetContext, TargetKindModule } from '../target-registry';
import { mlperfHardware, runMlperfCell } from './mlperf-run';
import type { DutIdentity } from './mlperf-tiny/dut-client';
import { connectEdgebench, connectMlperfTarget } from './serial-connect';
import { describeBoard, hardwareFromFacts, runEdgebenchCell } from './serial-run';

const KiB = 1024;

/** The target's name in runs: says "(simulated)" when the board says so and the name does not. */
export function edgebenchTargetName(configName: string, simulated: boolean): string {
  return simulated && !/simulated/i.test(configName) ? `${configName} (simulated)` : configName;
}

/** The target's name in runs, with the board's own name when it adds something. */
export function mlperfTargetName(configName: string, board: DutIdentity): string {
  const adds = board.name !== '' && board.name !== 'unspecified' && !configName.includes(board.name);
  const bothSimulated = /simulated/i.test(configName) && /simulated/i.test(board.name);
  return adds && !bothSimulated ? `${configName} (${board.name})` : configName;
}

/**
 * A board that printed its boot banner mid-run restarted (brown-out, watchdog, a crash in the
 * model): say so, rather than that it "stopped answering". Undefined for any other failure.
 */
function boardResetError(failure: { context: Record<string, string>; detail?: ErrorDetail | undefined }, port: string): StudioError | undefined {
  const detail = detailOf(failure);
  if (detail?.kind !== 'board-reset') return undefined;
  return new StudioError(
    'DEVICE',
    `The board on ${port} restarted (reset) while answering '${detail.command ?? 'a command'}%' (it printed its boot banner again): check its power supply and that the model fits its memory, then run again.`,
    failure.context,
    { detail },
  );
}

/** An MLPerf Tiny cell whose board restarted, told as such; the windows it finished stay in its partial run. */
async function withBoardReset(cell: Promise<Measured>, port: string): Promise<Measured> {
  let outcome: Measured;
  try {
    outcome = await cell;
  } catch (error) {
    throw (error instanceof StudioError ? boardResetError(error, port) : undefined) ?? error;
  }
  if (outcome.state !== 'partial') return outcome;
  const reset = boardResetError(outcome.error, port);
  return reset === undefined ? outcome : restatePartial(outcome, reset, 'the board restarted');
}

function identityOf(identity: DutIdentity | undefined, port: string): DutIdentity {
  if (identity === undefined) throw new StudioError('INTERNAL', `The MLPerf Tiny board on ${port} was connected without being identified.`, { port });
  return identity;
}

/** The engine half of one serial protocol: how a board that speaks it is opened for a job and tested. */
interface SerialProtocolAdapter {
  open(config: SerialTargetConfig, context: TargetContext): Promise<OpenTarget>;
  /** Connects, identifies the board and disconnects; a failure to connect is thrown (test() turns it into a result). */
  test(config: SerialTargetConfig, context: TargetContext): Promise<TargetTestResult>;
}

const mlperfTinyAdapter: SerialProtocolAdapter = {
  async open(config, context) {
    const connection = await connectMlperfTarget(config, context);
    const board = identityOf(connection.client.identity, connection.client.port);
    return {
      target: { kind: 'serial', spec: targetSpecOf(config), name: mlperfTargetName(config.name, board), runCell: (job, opts) => withBoardReset(runMlperfCell(connection, job, opts), connection.client.port) },
      close: () => connection.close(),
    };
  },
  async test(config, context) {
    const connection = await connectMlperfTarget(config, context);
    try {
      const board = identityOf(connection.client.identity, connection.client.port);
      return {
        ok: true,
        message: `${board.name} at ${connection.baudRate} baud, MLPerf Tiny firmware "${board.profile}" with model ${board.model}.`,
        hardware: mlperfHardware(board),
        hostKey: null,
        details: { board: board.name, firmware: board.profile, model: board.model, role: board.role, baudRate: String(connection.baudRate), protocol: 'mlperf-tiny' },
      };
    } finally {
      await connection.close();
    }
  },
};

const edgebenchAdapter: SerialProtocolAdapter = {
  async open(config, context) {
    const session = await connectEdgebench(config, context);
    const board = { client: session.client, facts: session.facts, ...(context.onUpload && { onUpload: context.onUpload }) };
    return {
      target: { kind: 'serial', spec: targetSpecOf(config), name: edgebenchTargetName(config.name, session.facts.simulated), runCell: (job, opts) => runEdgebenchCell(board, job, opts) },
      close: () => session.client.close(),
    };
  },
  async test(config, context) {
    const session = await connectEdgebench(config, context);
    try {
      const f = session.facts;
      return {
        ok: true,
        message: describeBoard(f, session.baudRate),
        hardware: hardwareFromFacts(f),
        hostKey: null,
        details: {
          chip: f.chipModel,
          simulated: f.simulated ? 'yes' : 'no',
          cores: String(f.cores),
          cpuMHz: String(f.cpuMHz),
          flashKiB: String(Math.round(f.flashBytes / KiB)),
          psramKiB: String(Math.round(f.psramBytes / KiB)),
          arenaKiB: String(Math.round(f.arenaCapacityBytes / KiB)),
          modelCapacityKiB: String(Math.round(f.modelCapacityBytes / KiB)),
          idf: f.idfVersion,
          tflm: f.tflmVersion,
          firmware: f.firmwareVersion,
          baudRate: String(session.baudRate),
          protocol: 'edgebench',
        },
      };
    } finally {
      await session.client.close();
    }
  },
};

/** One adapter per protocol of the registry (src/shared/plugins/serial-protocols): a protocol without one does not compile. */
export const SERIAL_PROTOCOL_ADAPTERS = {
  edgebench: edgebenchAdapter,
  'mlperf-tiny': mlperfTinyAdapter,
} satisfies Record<SerialProtocol, SerialProtocolAdapter>;

export const serialTargetKind: TargetKindModule<'serial'> = {
  open: (config, context) => SERIAL_PROTOCOL_ADAPTERS[config.protocol].open(config, context),
  async test(config, context) {
    try {
      return await SERIAL_PROTOCOL_ADAPTERS[config.protocol].test(config, context);
    } catch (error) {
      if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
      const kind = detailOf(error)?.kind;
      return { ok: false, message: error.message, hardware: null, hostKey: null, details: kind !== undefined ? { kind } : {}, error: error.toData() };
    }
  },
};
