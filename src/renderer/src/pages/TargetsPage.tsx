import { useEffect, useRef, useState } from 'react';
import type { StudioApi, TargetEntry } from '../../../shared/contract';
import { TargetCard } from '../components/TargetCard';

interface Props {
  api: StudioApi;
  targets: TargetEntry[];
  onTargetProbed: (target: TargetEntry) => void;
  onError: (error: unknown) => void;
}

export function TargetsPage({ api, targets, onTargetProbed, onError }: Props) {
  const [probing, setProbing] = useState<string | null>(null);
  const autoProbed = useRef(new Set<string>());

  const probe = async (target: TargetEntry): Promise<void> => {
    setProbing(target.id);
    try {
      const hardware = await api.targets.probe({ id: target.id });
      onTargetProbed({ ...target, hardware });
    } catch (error) {
      onError(error);
    } finally {
      setProbing(null);
    }
  };

  // "This computer" answers instantly, so probe it once if the engine had no profile yet.
  useEffect(() => {
    const local = targets.find((t) => t.kind === 'local' && t.hardware === null);
    if (local && !autoProbed.current.has(local.id)) {
      autoProbed.current.add(local.id);
      void probe(local);
    }
  });

  const local = targets.filter((t) => t.kind === 'local');
  const others = targets.filter((t) => t.kind !== 'local');

  return (
    <section className="page" aria-labelledby="targets-title">
      <header className="page-header">
        <div>
          <h1 id="targets-title">Targets</h1>
          <p className="page-sub">Where models run. Every benchmark records the hardware it ran on.</p>
        </div>
      </header>
      <div className="target-grid">
        {[...local, ...others].map((target) => (
          <TargetCard key={target.id} target={target} probing={probing === target.id} onProbe={() => void probe(target)} />
        ))}
        <div className="card coming">
          <h2>SSH and serial targets</h2>
          <p>
            Raspberry Pi and Jetson boards over SSH (<code>ssh://user@host:port</code>) and ESP32 / STM32 boards over
            serial (<code>serial:///dev/ttyUSB0</code>) are coming. Until then, benchmarks run on this computer.
          </p>
        </div>
      </div>
    </section>
  );
}
