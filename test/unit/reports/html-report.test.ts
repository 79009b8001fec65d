import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/core/reports/exporters/html';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { REPORT_CSP } from '../../../src/core/reports/render-html';
import type { RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, readRun } from './run-fixtures';

const XSS_NAME = `"><img src=x onerror=alert(1)><script>alert('model')</script>`;

function html(runs: RunFile[]): string {
  return renderReportHtml(
    buildReportContext({
      runs: runs.map((run, i) => ({ run, path: `runs/${i}.json` })),
      skipped: [{ path: '<b>bad</b>.json', reason: 'It is not valid JSON.' }],
      title: 'Release <1.2> & "friends"',
    }),
  );
}

/** Every src/href attribute value and every CSS url(...) in the page. */
function references(page: string): string[] {
  const attrs = [...page.matchAll(/\s(?:src|href|xlink:href|action|poster|srcset)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi)].map((m) => (m[1] ?? '').replace(/^["']|["']$/g, ''));
  const urls = [...page.matchAll(/url\(([^)]*)\)/gi)].map((m) => (m[1] ?? '').trim());
  return [...attrs, ...urls];
}

describe('HTML report', () => {
  const onnx = readRun(FIXTURES.onnx);
  const evil: RunFile = {
    ...readRun(FIXTURES.tflite),
    model: { ...readRun(FIXTURES.tflite).model, name: XSS_NAME, variant: '<svg onload=alert(2)>' },
    target: { ...onnx.target, kind: 'ssh', name: `pi@<iframe src="https://evil.example">`, hardware: { ...onnx.target.hardware, cpuModel: '</td></tr></table><script>x()</script>' } },
    warnings: [{ code: 'busy-system', message: '<a href="https://evil.example">click</a>' }],
  };
  const page = html([onnx, evil]);

  it('escapes every string from run files (model names are user data)', () => {
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain("<script>alert('model')");
    expect(page).not.toContain('<svg onload');
    expect(page).not.toContain('<iframe');
    expect(page).not.toContain('<a href="https://evil');
    expect(page).not.toContain('<script>x()');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(&#39;model&#39;)&lt;/script&gt;');
    expect(page).toContain('<title>Release &lt;1.2&gt; &amp; &quot;friends&quot;</title>');
    expect(page).toContain('Skipped &lt;b&gt;bad&lt;/b&gt;.json');
    // The only <script> is the report's own sorter.
    expect(page.match(/<script[\s>]/g)).toHaveLength(1);
  });

  it('refers to nothing outside itself: only data: and # references, and a CSP that forbids requests', () => {
    const clean = html([onnx, readRun(FIXTURES.onnx700), readRun(FIXTURES.tflite)]);
    const refs = references(clean);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !ref.startsWith('#') && !ref.startsWith('data:'))).toEqual([]);
    expect(clean).not.toMatch(/https?:\/\//);
    expect(clean).not.toMatch(/@import|<link|<iframe|<object|<embed/i);
    expect(clean).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toContain("default-src 'none'");
  });

  it('draws the charts inline: a percentile curve per run and a histogram per run', () => {
    const svgs = page.match(/<svg class="chart"/g) ?? [];
    expect(svgs).toHaveLength(3);
    expect((page.match(/<path class="line series-/g) ?? []).length).toBe(2);
    expect((page.match(/<rect class="bar /g) ?? []).length).toBeGreaterThan(10);
  });

  it('has the parts the issue asks for', () => {
    for (const id of ['overview', 'verdict', 'latency', 'comparison', 'charts', 'memory', 'model', 'environment', 'settings', 'profile', 'reproduce']) {
      expect(page).toContain(`<section id="${id}">`);
    }
    expect(page).toContain('edgebench bench demo-mnist.onnx --runs 100 --warmup 10 --warmup-time 0 --min-time 0 --max-time 0 --threads 0 --runtime onnxruntime --mode quick');
    expect(page).toContain(onnx.runtime.version);
    expect(page).toContain(onnx.model.sha256.slice(0, 12));
    expect(page).toContain('title="p99 needs 662 samples; this run has 100.">too few samples<');
    expect(page).toContain('@media (prefers-color-scheme:dark)');
    expect(page).toContain('@media print');
    expect(page).toContain('<table class="sortable">');
  });

  it('leaves out the comparison for a single run and the profile when no run has one', () => {
    const single = html([readRun(FIXTURES.tflite)]);
    expect(single).not.toContain('<section id="comparison">');
    expect(single).not.toContain('<section id="profile">');
  });
});
