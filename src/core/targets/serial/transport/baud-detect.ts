/**
 * Baud-rate auto-detection: open the port at each candidate rate, ask the protocol's probe
 * whether the board answers sensibly, and keep the first port that does (already open, so the
 * board is not reset again). At a wrong rate the board's bytes arrive as garbage and the probe's
 * bounded wait runs out.
 */
import { StudioError, detailOf, type ErrorDetail } from '../../../../shared/errors';
import { openSerialPortTransport, type SerialPortTransport, type SerialPortTransportOptions } from './serialport-transport';

export interface BaudDetection<T> {
  baudRate: number;
  transport: SerialPortTransport;
  /** What the probe returned (for MLPerf Tiny: the client, already identified). */
  value: T;
}

export async function detectBaudRate<T>(
  base: Omit<SerialPortTransportOptions, 'baudRate'>,
  candidates: readonly number[],
  probe: (transport: SerialPortTransport, baudRate: number) => Promise<T | undefined>,
  protocolName: string,
): Promise<BaudDetection<T>> {
  const failures: string[] = [];
  for (const baudRate of candidates) {
    const transport = await openSerialPortTransport({ ...base, baudRate });
    let value: T | undefined;
    try {
      value = await probe(transport, baudRate);
    } catch (error) {
      await transport.close().catch(() => undefined);
      // A vanished or busy port will not get better at another rate.
      if (error instanceof StudioError && portWillNotRecover(detailOf(error))) throw error;
      failures.push(`${baudRate}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (value !== undefined) return { baudRate, transport, value };
    await transport.close();
    failures.push(`${baudRate}: no answer`);
  }
  throw new StudioError(
    'DEVICE',
    `No ${protocolName} board answered on '${base.path}' at ${candidates.join(', ')} baud: check that it runs ${protocolName} firmware, or give its rate with ?baud=N.`,
    { port: base.path },
    { detail: { kind: 'baud-not-found', port: base.path, tried: failures } },
  );
}

/** A vanished, busy or missing port will not get better at another rate; every other failure may be the wrong rate. */
function portWillNotRecover(detail: ErrorDetail | undefined): boolean {
  switch (detail?.kind) {
    case 'port-vanished':
    case 'port-busy':
    case 'port-missing':
      return true;
    default:
      return false;
  }
}
