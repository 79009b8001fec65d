import { describe, expect, it } from 'vitest';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { binLatency } from '../../../src/shared/numeric/histogram';
import { barChart, clipAtWord, lineChart, niceTicks, titleLines } from '../../../src/core/reports/svg-chart';

const axis = { min: 0, max: 10, label: 'x <ms>', format: (v: number) => `${v}` };

describe('svg charts', () => {
  it('picks round ticks', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.013, 0.0305, 4)).toEqual([0.015, 0.02, 0.025, 0.03]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('bins every sample once and gathers far outliers in one overflow bin', () => {
    const samples = [...Array.from({ length: 200 }, (_, i) => 1 + (i % 20) / 100), 50, 60];
    const bins = binLatency(summarizeLatency(samples));
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(samples.length);
    const overflow = bins.filter((bin) => bin.overflow);
    expect(overflow).toHaveLength(1);
    expect(overflow[0]).toMatchObject({ count: 2, toMs: 60 });
    expect(binLatency(summarizeLatency([2, 2, 2])).reduce((sum, bin) => sum + bin.count, 0)).toBe(3);
  });

  it('draws bars as rects and lines as paths, escaping every text', () => {
    const bars = barChart({ title: 'a <b>', x: axis, y: axis, bars: [{ x0: 0, x1: 5, value: 5, title: '<i>5</i>' }] });
    expect(bars.svg).toContain('<rect class="bar series-0"');
    expect(bars.svg).toContain('<title>&lt;i&gt;5&lt;/i&gt;</title>');
    expect(bars.svg).toContain('x &lt;ms&gt;');
    const lines = lineChart({
      title: 't',
      x: axis,
      y: axis,
      series: [
        { name: 'one', points: [[0, 0], [10, 10]] },
        { name: '"two"', points: [[0, 10], [10, 0]] },
      ],
    });
    expect(lines.svg.match(/<path class="line series-\d"/g)).toHaveLength(2);
    expect(lines.svg).toContain('&quot;two&quot;');
    expect(lines.svg).not.toContain('xmlns');
  });

  it('breaks a long title between words onto a second line, and clips a legend at a word', () => {
    const title = 'demo-mnist · tflite-micro · auto threads · Simulated board (ESP32-S3 model): latency distribution (493 runs)';
    const lines = titleLines(title);
    expect(lines).toHaveLength(2);
    expect(lines.join(' ')).toBe(title);
    expect(titleLines('short title')).toEqual(['short title']);
    // Three lines' worth: the second line ends in "…" after a whole word; the <title> keeps it all.
    const long = titleLines(`${title} ${title}`);
    expect(long).toHaveLength(2);
    expect(long[1]).toMatch(/\S…$/);
    expect(`${title} ${title}`.split(' ')).toContain((long[1] as string).slice(0, -1).split(' ').pop());
    const svg = barChart({ title, x: axis, y: axis, bars: [] }).svg;
    expect(svg).toContain(`<title>${title.replace(/'/g, '&#39;')}</title>`);
    expect(svg).toContain('<g transform="translate(0 15)">');
    expect(clipAtWord('Simulated board (MLPerf Tiny emulator)', 20)).toBe('Simulated board…');
    expect(clipAtWord('short', 20)).toBe('short');
  });
});
