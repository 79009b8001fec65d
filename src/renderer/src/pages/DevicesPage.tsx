import { useEffect, useState } from 'react';
import { toErrorData } from '../../../shared/errors';
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

/** Where "Start a simulated board" is: starting (it takes a few seconds), its card added, or why it failed. */
type Simulation =
  | { state: 'idle' }
  | { state: 'starting'; protocol: SerialProtocol }
  | { state: 'ready'; targetId: string; name: string }
  | { state: 'failed'; protocol: SerialProtocol; message: string };

const boardName = (protocol: SerialProtocol): string => SIMULATED_BOARDS.find((b) => b.protocol === protocol)?.targetName ?? 'simulated board';

/** Scrolls a board's card into view (smoothly, unless the user asked for less motion) and moves the focus to it. */
function revealCard(targetId: string): void {
  const card = document.querySelector<HTMLElement>(`[data-testid="device-card"][data-target-id="${CSS.escape(targetId)}"]`);
  if (!card) return;
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  card.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
  card.focus({ preventScroll: true });
}

/** What the simulate card says under its buttons, as the board starts and after. */
function SimulationStatus({ simulation, cardShown, onShow }: { simulation: Simulation; cardShown: boolean; onShow: (targetId: string) => void }) {
  if (simulation.state === 'starting') {
    return (
      <div className="simulate-status" role="status" data-testid="simulate-progress">
        <p>
          Starting the {boardName(simulation.protocol)}: making its pseudo-terminal and starting its firmware… Its card appears below in a few
          seconds.
        </p>
        <div className="progress-track indeterminate" aria-hidden="true">
          <div className="progress-fill" />
        </div>
      </div>
    );
  }
  // Said once its card is drawn (the targets list is refetched first), and no longer once it is removed.
  if (simulation.state === 'ready') {
    if (!cardShown) return null;
    return (
      <p className="simulate-status" role="status" data-testid="simulate-ready">
        {simulation.name} is ready: test its connection or run a benchmark on its card below.{' '}
        <button type="button" className="link-button" onClick={() => onShow(simulation.targetId)} data-testid="simulate-show">
          Show its card
        </button>
      </p>
    );
  }
  if (simulation.state === 'failed') {
    return (
      <div className="simulate-status banner banner-error" role="alert" data-testid="simulate-error">
        <p className="banner-text">
          The {boardName(simulation.protocol)} did not start, and nothing was added: {simulation.message}
        </p>
        <p className="banner-text">Fix that and press the button again, or plug in a board and add its port above.</p>
      </div>
    );
  }
  return null;
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
  const [simulation, setSimulation] = useState<Simulation>({ state: 'idle' });
  const starting = simulation.state === 'starting' ? simulation.protocol : null;
  const serial = targets.filter(isMicrocontroller);
  const busy = isBenchBusy(bench.state);
  const addedId = simulation.state === 'ready' ? simulation.targetId : null;
  const addedShown = addedId !== null && serial.some((t) => t.id === addedId);

  // A new board's card is added at the end of the list, out of view: once it is drawn, bring it
  // into view and give it the focus (its highlight says which one is new).
  useEffect(() => {
    if (addedShown) revealCard(addedId);
  }, [addedId, addedShown]);

  const simulate = async (protocol: SerialProtocol): Promise<void> => {
    setSimulation({ state: 'starting', protocol });
    try {
      const target = await simulateDevice({ protocol });
      setSimulation({ state: 'ready', targetId: target.id, name: target.name });
    } catch (error) {
      setSimulation({ state: 'failed', protocol, message: toErrorData(error).message });
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
        <SimulationStatus
          simulation={simulation}
          cardShown={addedShown}
          onShow={revealCard}
        />
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
              justAdded={target.id === addedId}
            />
          ))}
        </div>
      )}
    </section>
  );
}
