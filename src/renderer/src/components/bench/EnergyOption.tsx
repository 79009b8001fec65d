import { useQuery } from '@tanstack/react-query';
import type { PowerSourceName } from '../../../../shared/plugins/power-sources';
import type { TargetEntry, TargetPowerSources } from '../../../../shared/contract';
import { useApi } from '../../data/api-context';
import { uiErrorText } from '../../ui-messages';

/** Per ticked target, the power source picked ('' for none); null while Energy is off. */
export type EnergyPicks = Record<string, PowerSourceName | ''> | null;

interface Props {
  targets: TargetEntry[];
  targetIds: string[];
  picks: EnergyPicks;
  onChange: (picks: EnergyPicks) => void;
}

/** The sources picked for the request: each ticked target's pick, else its first readable source. */
export function energyRequest(picks: EnergyPicks, targetIds: readonly string[], listed: readonly TargetPowerSources[] | undefined): Array<{ targetId: string; source: PowerSourceName }> | undefined {
  if (picks === null) return undefined;
  const chosen = targetIds.flatMap((targetId) => {
    const readable = listed?.find((l) => l.targetId === targetId)?.sources.filter((s) => s.available) ?? [];
    const pick = picks[targetId];
    const source = pick === '' ? undefined : (readable.find((s) => s.name === pick) ?? readable[0])?.name;
    return source === undefined ? [] : [{ targetId, source }];
  });
  return chosen.length > 0 ? chosen : undefined;
}

/** The power sources of the ticked targets, fetched while Energy is on. */
export function usePowerSources(targetIds: readonly string[], on: boolean): { data: TargetPowerSources[] | undefined; error: unknown } {
  const api = useApi();
  const { data, error } = useQuery({
    queryKey: ['powerSources', ...targetIds],
    queryFn: () => api.bench.powerSources({ targetIds: [...targetIds] }),
    enabled: on && targetIds.length > 0,
    staleTime: 10_000,
  });
  return { data, error };
}

/**
 * Energy per inference, off by default: on, each ticked target lists the power sources its kind
 * has, the readable ones to pick from and the others with why not and how to fix it (RAPL's
 * root-only energy_uj and the udev rule).
 */
export function EnergyOption({ targets, targetIds, picks, onChange }: Props) {
  const on = picks !== null;
  const { data, error } = usePowerSources(targetIds, on);
  return (
    <fieldset className="field energy-field" data-testid="bench-energy">
      <label className="checkbox" title="Integrated power over the timed runs, minus an idle baseline measured just before, divided by the inferences">
        <input type="checkbox" checked={on} data-testid="bench-energy-toggle" onChange={(e) => onChange(e.currentTarget.checked ? {} : null)} />
        Energy per inference <span className="muted">(idle baseline measured just before the timed runs and subtracted)</span>
      </label>
      {on && error !== null && error !== undefined && <p className="field-hint invalid" data-testid="bench-energy-error">{uiErrorText(error)}</p>}
      {on &&
        data?.map(({ targetId, sources }) => {
          const name = targets.find((t) => t.id === targetId)?.name ?? targetId;
          const readable = sources.filter((s) => s.available);
          const pick = picks[targetId] ?? readable[0]?.name ?? '';
          return (
            <div className="energy-target" key={targetId} data-testid={`bench-energy-${targetId}`}>
              <label className="field">
                <span className="field-label">{name}</span>
                <select value={pick} disabled={readable.length === 0} data-testid="bench-energy-source" onChange={(e) => onChange({ ...picks, [targetId]: e.currentTarget.value as PowerSourceName | '' })}>
                  {readable.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.label}
                    </option>
                  ))}
                  <option value="">{readable.length === 0 ? 'No readable power source' : 'Not measured'}</option>
                </select>
                <span className="field-hint">{readable.find((s) => s.name === pick)?.note ?? (sources.length === 0 ? 'This kind of target has no power source.' : '')}</span>
              </label>
              {sources
                .filter((s) => !s.available)
                .map((s) => (
                  <p className="field-hint" key={s.name} data-testid="bench-energy-unavailable">
                    {s.label}: {s.note}
                    {s.fix !== undefined && (
                      <>
                        {' '}
                        <code className="energy-fix">{s.fix}</code>
                      </>
                    )}
                  </p>
                ))}
            </div>
          );
        })}
    </fieldset>
  );
}
