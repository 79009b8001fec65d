import { useCallback, useEffect, useRef, useState } from 'react';
import type { SerialPortInfo, StudioApi, TargetEntry } from '../../../../shared/contract';

type Protocol = 'edgebench' | 'mlperf-tiny';

interface Props {
  api: StudioApi;
  /** Serial targets already stored, so a port in use says so instead of offering "Add". */
  targets: readonly TargetEntry[];
  onError: (error: unknown) => void;
}

function usbId(port: SerialPortInfo): string {
  return port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : '—';
}

/** The serial ports this computer sees (devices.list), with the board each one was recognized as. */
export function PortList({ api, targets, onError }: Props) {
  const [ports, setPorts] = useState<SerialPortInfo[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [protocols, setProtocols] = useState<Record<string, Protocol>>({});

  // The page re-renders with every log line; the first listing must not restart each time.
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  }, [onError]);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setPorts(await api.devices.list({}));
    } catch (error) {
      onErrorRef.current(error);
    } finally {
      setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    let live = true;
    api.devices.list({}).then(
      (found) => live && setPorts(found),
      (error: unknown) => onErrorRef.current(error),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const add = async (port: SerialPortInfo): Promise<void> => {
    try {
      await api.targets.add({ kind: 'serial', name: port.recognizedAs ?? port.path, path: port.path, baudRate: 'auto', protocol: protocols[port.path] ?? 'edgebench' });
    } catch (error) {
      onError(error);
    }
  };
  const usedBy = (path: string): TargetEntry | undefined => targets.find((t) => t.config?.kind === 'serial' && t.config.path === path);

  return (
    <section className="card devices-ports" data-testid="device-ports" aria-labelledby="ports-title">
      <header className="devices-card-head">
        <h2 id="ports-title">Ports on this computer</h2>
        <button type="button" className="button" data-testid="ports-refresh" disabled={loading} onClick={() => void refresh()}>
          {loading ? 'Looking…' : 'Refresh'}
        </button>
      </header>
      {ports === null ? (
        <p className="muted">Looking for serial ports…</p>
      ) : ports.length === 0 ? (
        <div className="empty small" data-testid="ports-empty">
          <p>
            No serial ports found. Plug a board in (ESP32 dev boards show up as Espressif USB, CP210x or CH340; STM32 Nucleo boards as
            ST-LINK), then Refresh; or start a simulated board below to try the whole flow without hardware.
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
            {ports.map((port) => {
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
                          value={protocols[port.path] ?? 'edgebench'}
                          onChange={(event) => setProtocols({ ...protocols, [port.path]: event.currentTarget.value as Protocol })}
                        >
                          <option value="edgebench">EdgeBench firmware</option>
                          <option value="mlperf-tiny">MLPerf Tiny firmware</option>
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
