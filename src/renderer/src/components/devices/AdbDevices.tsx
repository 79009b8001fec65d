import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AdbDeviceListing, TargetEntry } from '../../../../shared/contract';
import { useApi } from '../../data/api-context';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import type { TargetTests } from '../targets/useTargetTests';
import './adb-devices.css';

interface Props {
  targets: readonly TargetEntry[];
  tests: TargetTests;
  onError: (error: unknown) => void;
}

/** What a listed device's state asks of the user, in adb's own states. */
const STATE_ADVICE: Record<string, string> = {
  unauthorized: 'Unlock it and accept "Allow USB debugging?"',
  offline: 'Reconnect it (or adb connect it again)',
  authorizing: 'Waiting for the device to answer',
};

/** The facts Test connection reads from an Android device, in the order the card shows them. */
const FACTS: ReadonlyArray<[key: string, label: string]> = [
  ['model', 'Model'],
  ['abi', 'ABI'],
  ['android', 'Android'],
  ['soc', 'SoC'],
  ['clusters', 'CPU clusters'],
  ['thermal', 'Thermal'],
  ['benchmarkModel', 'benchmark_model'],
  ['emulator', 'Emulator'],
];

/** Android devices over adb: what `adb devices` lists (with Add as target), and each adb target's model, ABI, SoC, clusters and thermal status. */
export function AdbDevices({ targets, tests, onError }: Props) {
  const api = useApi();
  // adb is asked only when the user asks: its first call starts adb's server, a daemon that outlives the studio.
  const [asked, setAsked] = useState(false);
  const listing = useQuery<AdbDeviceListing>({ queryKey: ['adb-devices'], queryFn: () => api.devices.adb({}), enabled: asked });
  const { mutateAsync: addTarget } = useWorkspaceChange(workspaceChanges.addTarget);
  const adbTargets = targets.filter((t) => t.config?.kind === 'adb');
  const storedFor = (serial: string): TargetEntry | undefined => adbTargets.find((t) => t.config?.kind === 'adb' && t.config.serial === serial);
  const add = async (serial: string, model: string | null): Promise<void> => {
    try {
      await addTarget({ kind: 'adb', name: model ?? serial, serial, delegate: 'xnnpack', cpus: 'all' });
    } catch (error) {
      onError(error);
    }
  };

  return (
    <section className="card devices-adb" data-testid="adb-devices" aria-labelledby="adb-title">
      <header className="devices-card-head">
        <div>
          <h2 id="adb-title">Android devices (adb)</h2>
          <p className="muted">
            Phones and boards that this computer&apos;s adb sees. The studio pushes the model and TFLite&apos;s benchmark_model and runs it there
            with a delegate and a CPU cluster of the target&apos;s choosing.
          </p>
        </div>
        <button type="button" className="button" data-testid="adb-refresh" disabled={listing.isFetching} onClick={() => (asked ? void listing.refetch() : setAsked(true))}>
          {listing.isFetching ? 'Looking…' : asked ? 'Refresh' : 'Look for devices'}
        </button>
      </header>
      {!asked ? (
        <p className="muted" data-testid="adb-not-asked">
          Look for devices asks adb (starting its server if it is not running) which devices are attached.
        </p>
      ) : listing.data === undefined ? (
        <p className="muted">{listing.isError ? 'adb could not be asked for its devices.' : 'Asking adb for its devices…'}</p>
      ) : listing.data.problem !== null ? (
        <p className="banner banner-error" data-testid="adb-problem">
          {listing.data.problem}
        </p>
      ) : listing.data.devices.length === 0 ? (
        <p className="muted" data-testid="adb-none">
          adb lists no device. Plug one in with USB debugging on, or run adb connect HOST:PORT for one on the network, then Refresh.
        </p>
      ) : (
        <table className="adb-device-table" data-testid="adb-device-table">
          <thead>
            <tr>
              <th scope="col">Serial</th>
              <th scope="col">State</th>
              <th scope="col">Model</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {listing.data.devices.map((device) => {
              const stored = storedFor(device.serial);
              return (
                <tr key={device.serial} data-testid="adb-device-row" data-serial={device.serial}>
                  <td className="mono">{device.serial}</td>
                  <td>{device.state}</td>
                  <td>{device.model ?? '—'}</td>
                  <td>
                    {stored !== undefined ? (
                      <span className="muted">Target {stored.name}</span>
                    ) : device.state === 'device' ? (
                      <button type="button" className="button" data-testid="adb-add" onClick={() => void add(device.serial, device.model)}>
                        Add as target
                      </button>
                    ) : (
                      <span className="muted">{STATE_ADVICE[device.state] ?? `adb says ${device.state}`}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {adbTargets.map((target) => {
        const state = tests.states.get(target.id);
        const result = state?.status === 'result' ? state.result : null;
        return (
          <article key={target.id} className="adb-target" data-testid="adb-target" data-target-id={target.id}>
            <header className="devices-card-head">
              <h3>{target.name}</h3>
              <button type="button" className="button" data-testid="adb-test" disabled={state?.status === 'testing'} onClick={() => void tests.test(target)}>
                {state?.status === 'testing' ? 'Reading the device…' : 'Read device'}
              </button>
            </header>
            {result === null ? (
              <p className="muted">{state?.status === 'failed' ? state.message : 'Read device asks it for its model, ABI, Android version, SoC, CPU clusters and thermal status.'}</p>
            ) : !result.ok ? (
              <p className="banner banner-error" data-testid="adb-test-error">
                {result.message}
              </p>
            ) : (
              <dl className="adb-facts" data-testid="adb-facts">
                {FACTS.filter(([key]) => result.details[key] !== undefined).map(([key, label]) => (
                  <div key={key} data-testid={`adb-fact-${key}`}>
                    <dt>{label}</dt>
                    <dd>{result.details[key]}</dd>
                  </div>
                ))}
              </dl>
            )}
          </article>
        );
      })}
    </section>
  );
}
