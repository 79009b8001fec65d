/** Home's next step for a suggestion by structure (kept apart from formats-view.ts, which the engine-side tests read without the router). */
import type { ModelEntry } from '../../../../shared/contract';
import { formatLabel, type NetworkSuggestion } from '../../../../shared/networks';
import { routeLink } from '../../hooks/usePage';
import type { NextStep } from '../home/home-view';

/** Home's next step for each suggestion by structure: open the first model's Formats panel to check and link them. */
export function linkFormatsSteps(suggestions: readonly NetworkSuggestion[], models: readonly ModelEntry[]): NextStep[] {
  return suggestions.slice(0, 1).map((suggestion) => {
    const named = suggestion.modelIds.map((id) => {
      const model = models.find((m) => m.id === id);
      return model ? `${model.name} (${formatLabel(model.info.format)})` : id;
    });
    return {
      id: 'link-formats',
      text: `${named.join(', ')} look like one network in several formats: link them to benchmark and evaluate the formats side by side.`,
      link: routeLink({ page: 'models', modelId: suggestion.modelIds[0] ?? null, graph: false }),
      linkText: 'Check and link the formats',
    };
  });
}
