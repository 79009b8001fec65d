import type { Block } from '../blocks';
import { histogramChart, percentileChart } from '../latency-charts';
import type { ReportSection } from '../report-section';

export const chartsSection: ReportSection = {
  id: 'charts',
  title: 'Latency charts',
  build(report) {
    const runs = report.runs.filter((entry) => entry.run.latencyMs.samples.length > 0);
    if (runs.length === 0) return [];
    const blocks: Block[] = [
      {
        kind: 'chart',
        chart: percentileChart(runs),
        caption: "Each run's latency at every percentile, out to its slowest sample; the tail (90%, 99%, 99.9%) is spread out, and latency is on a log scale.",
      },
    ];
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
