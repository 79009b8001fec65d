import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { SerialPortInfo, TargetEntry } from '../../../../shared/contract';
import { DEFAULT_SERIAL_PROTOCOL, SERIAL_PROTOCOLS, SerialProtocol } from '../../../../shared/plugins/serial-protocols';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { usePorts } from '../../data/queries';
import { uiErrorText } from '../../ui-messages';

interface Props {
  /** Serial targets already stored, so a port in use says so instead of offering "Add". */
  targets: readonly TargetEntry[];
  onError: (error: unknown) => void;
}

function usbId(port: SerialPortInfo): string {
  return port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : '—';
}

/** What the card shows: one of these at a time, so an error never sits beside "Looking…". */
type Listing = { state: 'looking' } | { state: 'listed'; ports: SerialPortInfo[] } | { state: 'failed'; message: string };

/** A failed listing gives way to "Looking…" while it is tried again; a table stays until the new one comes. */
function listingOf(ports: UseQueryResult<SerialPortInfo[]>): Listing {
  if (ports.status === 'error' && !ports.isFetching) return { state: 'failed', message: uiErrorText(ports.error) };
  if (ports.status === 'success') return { state: 'listed', ports: ports.data };
  return { state: 'looking' };
}

/** The serial ports this computer sees (devices.list), with the board each one was recognized as. */
export function PortList({ targets, onError }: Props) {
  const ports = usePorts();
  const listing = listingOf(ports);
  const refreshing = ports.isFetching && listing.state === 'listed';
  const { mutateAsync: addTarget } = useWorkspaceChange(workspaceChanges.addTarget);
  const [protocols, setProtocols] = useState<Record<string, SerialProtocol>>({});
  const refresh = (): void => void ports.refetch();

  const add = async (port: SerialPortInfo): Promise<void> => {
    try {
      await addTarget({ kind: 'serial', name: port.recognizedAs ?? port.path, path: port.path, baudRate: 'auto', protocol: protocols[port.path] ?? DEFAULT_SERIAL_PROTOCOL });
    } catch (error) {
      onError(error);
    }
  };
  // A port belongs to a serial config (its path); no other kind holds one.
  const usedBy = (path: string): TargetEntry | undefined => targets.find((t) => t.config?.kind === 'serial' && t.config.path === path);

  return (
    <section className="card devices-ports" data-testid="device-ports" aria-labelledby="ports-title">
      <header className="devices-card-head">
        <h2 id="ports-title">Ports on this computer</h2>
        <button type="button" className="button" data-testid="ports-refresh" disabled={refreshing || listing.state === 'looking'} onClick={refresh}>
          {listing.state === 'looking' || refreshing ? 'Looking…' : listing.state === 'failed' ? 'Try again' : 'Refresh'}
        </button>
      </header>
      {listing.state === 'looking' ? (
        <p className="muted" data-testid="ports-looking">
          Looking for serial ports…
        </p>
      ) : listing.state === 'failed' ? (
        <div className="empty small" data-testid="ports-error" role="alert">
          <p>{listing.message}</p>
          <p className="muted">
            A board can still be used: add it on the Targets page with its port's path (for example /dev/ttyUSB0 or /dev/ttyACM0), or start a
            simulated board below.
          </p>
        </div>
      ) : listing.ports.length === 0 ? (
        <div className="empty small" data-testid="ports-empty">
          <p>
            No serial ports found. Plug a board in with a data cable (ESP32 dev boards show up as Espressif USB, CP210x or CH340; STM32
            Nucleo boards as ST-LINK), then press Refresh. A pseudo-terminal (socat) is never listed: add it on the Targets page by its path.
            Or start a simulated board below to try the whole flow without hardware.
          </p>
        </div>
      ) : (
        <table className="table compact" data-testid="ports-table">
          <thead>
            <tr>
              <th>Port</th>
              <th>Recognized as</th>
              <th>USB VID:PID</th>
              <th>Serial number</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {listing.ports.map((port) => {
              const target = usedBy(port.path);
              return (
                <tr key={port.path} data-testid="port-row">
                  <td>
                    <code>{port.path}</code>
                  </td>
                  <td>{port.recognizedAs ?? <span className="muted">not a known board{port.manufacturer ? ` (${port.manufacturer})` : ''}</span>}</td>
                  <td>
                    <code>{usbId(port)}</code>
                  </td>
                  <td>{port.serialNumber ?? '—'}</td>
                  <td className="port-actions">
                    {target ? (
                      <span className="muted">target “{target.name}”</span>
                    ) : (
                      <>
                        <select
                          aria-label={`Protocol for ${port.path}`}
                          value={protocols[port.path] ?? DEFAULT_SERIAL_PROTOCOL}
                          onChange={(event) => setProtocols({ ...protocols, [port.path]: SerialProtocol.parse(event.currentTarget.value) })}
                        >
                          {SerialProtocol.options.map((protocol) => (
                            <option key={protocol} value={protocol}>
                              {SERIAL_PROTOCOLS[protocol].label} firmware
                            </option>
                          ))}
                        </select>
                        <button type="button" className="button tiny" onClick={() => void add(port)}>
                          Add as target
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
