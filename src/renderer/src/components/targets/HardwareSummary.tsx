import type { HardwareProfile } from '../../../../shared/run-schema';
import { formatBytes } from '../../../../shared/units';

/** Labels for the facts a connection test reports; the runner the studio picked comes first. */
const DETAIL_LABELS: ReadonlyArray<[string, string]> = [
  // SSH boards
  ['onnxRunner', 'Runner for ONNX models'],
  ['tfliteRunner', 'Runner for TFLite models'],
  ['runtimes', 'Runtimes found'],
  ['boardModel', 'Board'],
  ['python', 'Python'],
  ['node', 'Node'],
  ['kernel', 'Kernel'],
  ['temperatureC', 'Temperature (°C)'],
  ['throttled', 'Throttling (vcgencmd)'],
  ['powerMode', 'Power mode'],
  // Serial devices
  ['board', 'Board'],
  ['chip', 'Chip'],
  ['firmware', 'Firmware'],
  ['model', 'Model on the board'],
  ['protocol', 'Protocol'],
  ['baudRate', 'Baud rate'],
  ['cpuMHz', 'CPU clock (MHz)'],
  ['flashKiB', 'Flash (KiB)'],
  ['psramKiB', 'PSRAM (KiB)'],
  ['arenaKiB', 'Tensor arena (KiB)'],
  ['modelCapacityKiB', 'Largest model (KiB)'],
  ['idf', 'ESP-IDF'],
  ['tflm', 'TFLite Micro'],
  ['simulated', 'Simulated'],
];
/** Facts the hardware rows above already show. */
const SHOWN_ABOVE = new Set(['cores']);

/** "firmwareVersion" → "Firmware version", for facts a target kind adds later. */
function labelOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function orderedDetails(details: Record<string, string>): Array<{ key: string; label: string; value: string }> {
  const known = DETAIL_LABELS.filter(([key]) => details[key] !== undefined).map(([key, label]) => ({ key, label, value: details[key] ?? '' }));
  const rest = Object.keys(details)
    .filter((key) => !SHOWN_ABOVE.has(key) && !DETAIL_LABELS.some(([known]) => known === key))
    .sort()
    .map((key) => ({ key, label: labelOf(key), value: details[key] ?? '' }));
  return [...known, ...rest];
}

interface Props {
  hardware: HardwareProfile;
  details?: Record<string, string>;
}

/** What a connection test found: the board's hardware, then the facts about its software. */
export function HardwareSummary({ hardware, details = {} }: Props) {
  const facts = orderedDetails(details);
  return (
    <div className="hardware-summary" data-testid="target-hardware">
      <dl className="facts">
        <div className="wide">
          <dt>CPU</dt>
          <dd>{hardware.cpuModel}</dd>
        </div>
        <div>
          <dt>Architecture</dt>
          <dd>{hardware.arch}</dd>
        </div>
        <div>
          <dt>Cores</dt>
          <dd>{hardware.cores}</dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd>{hardware.memoryBytes > 0 ? formatBytes(hardware.memoryBytes) : 'unknown'}</dd>
        </div>
        <div className="wide">
          <dt>Operating system</dt>
          <dd>{hardware.os}</dd>
        </div>
        {facts.map((fact) => (
          <div key={fact.key} className="wide" data-testid={`target-detail-${fact.key}`}>
            <dt>{fact.label}</dt>
            <dd>{fact.value}</dd>
          </div>
        ))}
      </dl>
      {hardware.cpuFeatures.length > 0 && (
        <ul className="chips" aria-label="CPU features">
          {hardware.cpuFeatures.map((feature) => (
            <li key={feature} className="chip">
              {feature}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
