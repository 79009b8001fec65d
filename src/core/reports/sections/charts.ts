import type { Block } from '../blocks';
import { formatMs } from '../format';
import { histogramChart, percentileChart } from '../latency-charts';
import type { ReportSection } from '../report-section';

export const chartsSection: ReportSection = {
  id: 'charts',
  title: 'Latency charts',
  build(report) {
    const runs = report.runs.filter((entry) => entry.run.latencyMs.samples.length > 0);
    if (runs.length === 0) return [];
    const curve = percentileChart(runs);
    const clipped = curve.clippedAtMs === null ? '' : ` Latencies above ${formatMs(curve.clippedAtMs)} are drawn at the top edge.`;
    const blocks: Block[] = [{ kind: 'chart', chart: curve.chart, caption: `Each run's latency at every percentile.${clipped}` }];
    report.runs.forEach((entry, i) => {
      if (entry.run.latencyMs.samples.length === 0) return;
      blocks.push({
        kind: 'chart',
        chart: histogramChart(entry, i),
        caption: `How #${entry.number}'s latencies spread; samples beyond Q3 + 3 IQR are gathered in the last, differently coloured bar.`,
      });
    });
    return blocks;
  },
};
