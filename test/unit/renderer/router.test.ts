/** The studio's hash routes (issue 13): every page and item has a link that reads back as the same route. */
import { describe, expect, it } from 'vitest';
import { pageForKey, pageLink, parseRoute, routeLink, routePage, type Route } from '../../../src/renderer/src/hooks/usePage';

const ROUTES: Array<[Route, string]> = [
  [{ page: 'home' }, '#/home'],
  [{ page: 'models', modelId: null, graph: false }, '#/models'],
  [{ page: 'models', modelId: '0123abcd', graph: false }, '#/models/0123abcd'],
  [{ page: 'models', modelId: '0123abcd', graph: true }, '#/models/0123abcd/graph'],
  [{ page: 'runs', runId: null }, '#/runs'],
  [{ page: 'runs', runId: '2026-12-07T06-00-00-demo' }, '#/runs/2026-12-07T06-00-00-demo'],
  [{ page: 'jobs', jobId: 'job-42' }, '#/jobs/job-42'],
  [{ page: 'jobs', jobId: 'job-42', baseline: 'row1-col2' }, '#/jobs/job-42/baseline/row1-col2'],
  [{ page: 'compare', runIds: [] }, '#/compare'],
  [{ page: 'compare', runIds: ['a', 'b', 'c'] }, '#/compare/a,b,c'],
  [{ page: 'diff', a: 'float01', b: 'int8-02' }, '#/diff/float01/int8-02'],
  [{ page: 'targets' }, '#/targets'],
  [{ page: 'datasets' }, '#/datasets'],
  [{ page: 'accuracy' }, '#/accuracy'],
  [{ page: 'devices' }, '#/devices'],
];

describe('hash routes', () => {
  it.each(ROUTES)('%j is linked as %s and read back the same', (route, link) => {
    expect(routeLink(route)).toBe(link);
    expect(parseRoute(link)).toEqual(route);
  });

  it('ids with slashes, commas, spaces or % survive the round trip', () => {
    const odd: Route[] = [
      { page: 'runs', runId: 'a/b c%d' },
      { page: 'compare', runIds: ['x,y', 'z w'] },
      { page: 'diff', a: 'm/1', b: 'm,2' },
      { page: 'models', modelId: 'ä ö', graph: true },
    ];
    for (const route of odd) expect(parseRoute(routeLink(route))).toEqual(route);
  });

  it.each(['', '#', '#/', '#/nowhere', '#/jobs', '#/jobs/a/b', '#/diff/a', '#/diff/a/b/c', '#/runs/a/b', '#/models/a/nodes', '#/home/x', '#/compare/a,,b', '#/runs/%E0%A4%A', '#/models//graph'])(
    'a hash it cannot read (%s) opens Home',
    (hash) => {
      expect(parseRoute(hash)).toEqual({ page: 'home' });
    },
  );

  it("a job's baseline cell key (with its \\u0001 separator, slashes, spaces) survives the round trip", () => {
    const route: Route = { page: 'jobs', jobId: 'job/7', baseline: 'sha\u0001model a/b\u0001target·cpu·4' };
    const link = routeLink(route);
    expect(link.startsWith('#/jobs/job%2F7/baseline/')).toBe(true);
    expect(link.split('/')).toHaveLength(5);
    expect(parseRoute(link)).toEqual(route);
    expect(routePage(route)).toBe('runs');
  });

  it('a baseline segment it cannot read still opens the job, with no baseline', () => {
    for (const hash of ['#/jobs/j1/baseline/%E0%A4%A', '#/jobs/j1/baseline/', '#/jobs/j1/baseline', '#/jobs/j1/baseline//']) {
      expect(parseRoute(hash)).toEqual({ page: 'jobs', jobId: 'j1' });
    }
    expect(routeLink({ page: 'jobs', jobId: 'j1', baseline: '' })).toBe('#/jobs/j1');
  });

  it.each(['#/jobs/j1/base/x', '#/jobs/j1/baseline/x/y', '#/jobs//baseline/x', '#/jobs/%E0%A4%A/baseline/x'])('a job hash with a wrong shape (%s) opens Home', (hash) => {
    expect(parseRoute(hash)).toEqual({ page: 'home' });
  });

  it('a trailing slash and a repeated compare id are tolerated', () => {
    expect(parseRoute('#/runs/abc/')).toEqual({ page: 'runs', runId: 'abc' });
    expect(parseRoute('#/compare/a,b,a')).toEqual({ page: 'compare', runIds: ['a', 'b'] });
  });

  it('a job sits under Runs in the sidebar, a diff under no entry', () => {
    expect(routePage({ page: 'jobs', jobId: 'j' })).toBe('runs');
    expect(routePage({ page: 'diff', a: 'a', b: 'b' })).toBeNull();
    expect(routePage({ page: 'compare', runIds: ['a'] })).toBe('compare');
  });

  it("the bench form's model link is a models route", () => {
    expect(pageLink('models', 'abc')).toBe('#/models/abc');
    expect(parseRoute(pageLink('runs', 'r1'))).toEqual({ page: 'runs', runId: 'r1' });
  });
});

describe('page keys', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods,
  });

  it('Ctrl/Cmd+1..7 keep their pages, in the menu order', () => {
    expect(['1', '2', '3', '4', '5', '6', '7'].map((k) => pageForKey(key(k, { ctrlKey: true })))).toEqual([
      'models',
      'targets',
      'runs',
      'compare',
      'datasets',
      'accuracy',
      'devices',
    ]);
    expect(pageForKey(key('3', { metaKey: true }))).toBe('runs');
  });

  it('Ctrl/Cmd+Shift+H opens Home; other keys open nothing', () => {
    expect(pageForKey(key('H', { ctrlKey: true, shiftKey: true }))).toBe('home');
    expect(pageForKey(key('8', { ctrlKey: true }))).toBeNull();
    expect(pageForKey(key('1'))).toBeNull();
    expect(pageForKey(key('1', { ctrlKey: true, altKey: true }))).toBeNull();
    expect(pageForKey(key('1', { ctrlKey: true, shiftKey: true }))).toBeNull();
  });
});
