import { defineTargetKind } from './target-kind';

/** This computer: always there, never stored, where cells run when no --target is given. */
export const localTargetKind = defineTargetKind({
  name: 'local',
  label: 'This computer',
  description: 'The machine the studio or the CLI runs on; each cell runs in its own runner process.',
  stored: null,
  processor: 'computer',
  benchSettings: ['runs', 'warmupRuns', 'warmupMinTimeMs', 'minTimeMs', 'maxTimeMs', 'mode', 'freshInputs', 'threads', 'profileRuns', 'repeats', 'cpus'],
  cliFlags: {},
});
