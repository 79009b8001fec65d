/**
 * What the bench form's Energy option offers for a target: every power source whose descriptor
 * measures that target kind, readable or not and why, in the studio's words. This computer's
 * RAPL counters are opened to find out (a permission the kernel withholds is said with its fix);
 * a board's tool is looked for on the board when its first cell starts (connecting here only to
 * fill a form would cost a login per change), which its note says.
 */
import type { PowerSourceOption } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { POWER_SOURCES, PowerSourceName } from '../../shared/plugins/power-sources';
import type { TargetKind } from '../../shared/plugins/target-kinds';
import { openRapl, type RaplOptions } from './rapl';

export function powerSourcesFor(kind: TargetKind, rapl: RaplOptions = {}): PowerSourceOption[] {
  return PowerSourceName.options.flatMap((name): PowerSourceOption[] => {
    const source = POWER_SOURCES[name];
    if (!source.targetKinds.includes(kind)) return [];
    const base = { name, label: source.label };
    if (source.engine.kind === 'parser') return [{ ...base, available: false, note: `Not read during runs: ${source.engine.limitation}.` }];
    if (name === 'rapl') {
      try {
        const meter = openRapl(rapl);
        return [{ ...base, available: true, note: `Reads ${meter.domains.map((d) => d.label).join(', ')} from ${meter.root}.` }];
      } catch (error) {
        const message = error instanceof StudioError ? error.message : String(error);
        const permission = /not readable by this user/.test(message);
        // The CLI's sentence names its chmod; the studio shows the fix in its own words beside it.
        const note = permission ? 'energy_uj is readable by root only (since Linux 5.10).' : message;
        return [{ ...base, available: false, note, ...(permission && source.permissionFix !== undefined ? { fix: source.permissionFix.ui } : {}) }];
      }
    }
    return [{ ...base, available: true, note: `${source.description} Read on the board while its runs go; a board without it is told when its first cell starts.` }];
  });
}
