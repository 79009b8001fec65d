import { useState } from 'react';
import type { TargetEntry } from '../../../shared/contract';
import type { SerialProtocol } from '../../../shared/plugins/serial-protocols';
import { JobProgress } from '../components/bench/JobProgress';
import { AdbDevices } from '../components/devices/AdbDevices';
import { DeviceCard } from '../components/devices/DeviceCard';
import '../components/devices/devices.css';
import { FitCard } from '../components/devices/FitCard';
import { PortList } from '../components/devices/PortList';
import { useDeviceEvents } from '../components/devices/useDeviceEvents';
import { useTargetTests } from '../components/targets/useTargetTests';
import { useWorkspaceChange, workspaceChanges } from '../data/mutations';
import { useModels, useRuns, useTargets } from '../data/queries';
import { isBenchBusy, type BenchJob } from '../hooks/useBenchJob';
import { isMicrocontroller, SIMULATED_BOARDS } from '../target-kind-view';

interface Props {
  bench: BenchJob;
  onOpenRun: (runId: string) => void;
  onError: (error: unknown) => void;
}

/** Microcontrollers over serial: the ports this computer sees, simulated boards, and each serial target's connection, runs and live log. */
export function DevicesPage({ bench, onOpenRun, onError }: Props) {
  const targets = useTargets();
  const models = useModels();
  const runs = useRuns();
  const tests = useTargetTests();
  const events = useDeviceEvents();
  const { mutateAsync: simulateDevice } = useWorkspaceChange(workspaceChanges.simulateDevice);
  const { mutateAsync: removeTarget } = useWorkspaceChange(workspaceChanges.removeTarget);
  const [starting, setStarting] = useState<SerialProtocol | null>(null);
  const serial = targets.filter(isMicrocontroller);
  const busy = isBenchBusy(bench.state);

  const simulate = async (protocol: SerialProtocol): Promise<void> => {
    setStarting(protocol);
    try {
      await simulateDevice({ protocol });
    } catch (error) {
      onError(error);
    } finally {
      setStarting(null);
    }
  };
  const remove = async (target: TargetEntry): Promise<void> => {
    try {
      await removeTarget({ id: target.id });
      tests.forget(target.id);
    } catch (error) {
      onError(error);
    }
  };

  return (
    <section className="page devices-page" aria-labelledby="devices-title" data-testid="devices-page">
      <header className="page-header">
        <div>
          <h1 id="devices-title">Devices</h1>
          <p className="page-sub">
            Microcontrollers over serial: ESP32 boards with the EdgeBench firmware take a .tflite over the cable; boards with MLPerf Tiny
            firmware run their own model. Results land in the same run files and charts as every other target.
          </p>
        </div>
      </header>
      <PortList targets={serial} onError={onError} />
      <section className="card devices-simulate" aria-labelledby="simulate-title">
        <header className="devices-card-head">
          <div>
            <h2 id="simulate-title">No board at hand?</h2>
            <p className="muted">
              A simulated board runs on a pseudo-terminal like a USB-serial port: it really runs the uploaded model on this computer and
              reports latencies from a model of the chip, so its numbers are a demo, never a measurement of hardware.
            </p>
          </div>
          <div className="device-actions">
            {SIMULATED_BOARDS.map((board, index) => (
              <button
                key={board.protocol}
                type="button"
                className={index === 0 ? 'button primary' : 'button'}
                data-testid={board.testId}
                disabled={starting !== null}
                onClick={() => void simulate(board.protocol)}
              >
                {starting === board.protocol ? 'Starting…' : board.button}
              </button>
            ))}
          </div>
        </header>
      </section>
      <FitCard models={models} />
      <AdbDevices targets={targets} tests={tests} onError={onError} />
      <JobProgress state={bench.state} onCancel={() => void bench.cancel()} onDismiss={bench.dismiss} onOpenRun={onOpenRun} />
      {serial.length === 0 ? (
        <div className="empty" data-testid="devices-empty">
          <h2>No serial targets yet</h2>
          <p>Start a simulated board above, or plug one in and add its port as a target.</p>
        </div>
      ) : (
        <div className="device-list">
          {serial.map((target) => (
            <DeviceCard
              key={target.id}
              target={target}
              models={models}
              tests={tests}
              events={events}
              benchBusy={busy}
              onRun={(request) => void bench.start(request)}
              onRemove={() => void remove(target)}
              // A run file names its target, not the target's id: the board's name is what links them.
              lastRun={runs.find((run) => run.targetName === target.name) ?? null}
              onOpenRun={onOpenRun}
            />
          ))}
        </div>
      )}
    </section>
  );
}
