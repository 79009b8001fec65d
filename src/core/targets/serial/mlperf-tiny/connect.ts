/**
 * From a target spec to an identified MLPerf Tiny board: open the port (trying rates when the
 * spec says baud=auto), reset it if asked, skip its boot log, identify it.
 */
import type { SerialTargetSpec } from '../target-spec';
import { AUTO_BAUD_CANDIDATES } from '../target-spec';
import { detectBaudRate } from '../transport/baud-detect';
import type { SerialLogListener } from '../transport/serial-log';
import { openSerialPortTransport, type SerialPortTransport } from '../transport/serialport-transport';
import { MlperfTinyClient, type MlperfTinyClientOptions } from './dut-client';

export interface MlperfTinyConnection {
  transport: SerialPortTransport;
  client: MlperfTinyClient;
  baudRate: number;
  /** Disposes the client and closes the port. */
  close(): Promise<void>;
}

export async function connectMlperfTiny(
  spec: SerialTargetSpec,
  options: { log?: SerialLogListener; client?: MlperfTinyClientOptions } = {},
): Promise<MlperfTinyConnection> {
  const base = {
    path: spec.path,
    reset: spec.reset,
    ...(spec.dtr !== undefined && { dtr: spec.dtr }),
    ...(spec.rts !== undefined && { rts: spec.rts }),
    ...(options.log && { log: options.log }),
  };
  const clientOptions: MlperfTinyClientOptions = { port: spec.path, ...options.client };
  const wrap = (transport: SerialPortTransport, client: MlperfTinyClient, baudRate: number): MlperfTinyConnection => ({
    transport,
    client,
    baudRate,
    async close() {
      client.dispose();
      await transport.close();
    },
  });
  if (spec.baudRate === 'auto') {
    const found = await detectBaudRate(
      base,
      AUTO_BAUD_CANDIDATES,
      // Short waits per rate: a board at the right rate answers name% in milliseconds.
      (transport) => MlperfTinyClient.connect(transport, { commandTimeoutMs: 1000, bootWaitMs: 2000, ...clientOptions }),
      'MLPerf Tiny',
    );
    return wrap(found.transport, found.value, found.baudRate);
  }
  const transport = await openSerialPortTransport({ ...base, baudRate: spec.baudRate });
  try {
    return wrap(transport, await MlperfTinyClient.connect(transport, clientOptions), spec.baudRate);
  } catch (error) {
    await transport.close().catch(() => undefined);
    throw error;
  }
}
