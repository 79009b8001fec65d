/**
 * The desktop app's app://studio/ protocol, as plain functions (no Electron binary runs here):
 * only files of the built UI, through the same traversal guard as browser mode, each answer
 * with the studio's Content-Security-Policy; and the page checks that IPC and navigation use.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAppPage } from '../../../src/main/app-page';
import { APP_PAGE_URL, APP_SCHEME_PRIVILEGES, resolveAppRequest } from '../../../src/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/security-policy';

const base = mkdtempSync(path.join(tmpdir(), 'edgebench-app-protocol-'));
const root = path.join(base, 'renderer');
mkdirSync(path.join(root, 'assets'), { recursive: true });
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>studio</title>');
writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1);');
writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
writeFileSync(path.join(base, 'secret.txt'), 'secret');
symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
const rootDir = realpathSync(root);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app://studio/ answers', () => {
  it('serves the page and its assets with the CSP, nosniff, no Referer and the right caching', async () => {
    const page = await resolveAppRequest(rootDir, APP_PAGE_URL);
    expect(page).toMatchObject({ status: 200, filePath: path.join(rootDir, 'index.html') });
    expect(page.headers).toMatchObject({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    // The page's own hash and query do not change what is served.
    expect((await resolveAppRequest(rootDir, `${APP_PAGE_URL}?x=1#/runs`)).filePath).toBe(page.filePath);
    expect((await resolveAppRequest(rootDir, 'app://studio/')).filePath).toBe(page.filePath);
    const js = await resolveAppRequest(rootDir, 'app://studio/assets/app.js');
    expect(js).toMatchObject({ status: 200, filePath: path.join(rootDir, 'assets', 'app.js') });
    expect(js.headers).toMatchObject({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': CONTENT_SECURITY_POLICY });
    expect((await resolveAppRequest(rootDir, 'app://studio/assets/app.css')).headers['Content-Type']).toBe('text/css; charset=utf-8');
    expect((await resolveAppRequest(rootDir, 'app://studio/assets/app.js', 'HEAD')).status).toBe(200);
  });

  it.each([
    'app://studio/../secret.txt',
    'app://studio/%2e%2e/secret.txt',
    'app://studio/%2E%2E/secret.txt',
    'app://studio/assets/..%2f..%2fsecret.txt',
    'app://studio/assets/%252e%252e/%252e%252e/secret.txt',
    'app://studio/..%5csecret.txt',
    'app://studio/assets\\..\\..\\secret.txt',
    'app://studio/assets/app.js%00.html',
    'app://studio/%c0%ae%c0%ae/secret.txt',
    'app://studio/escape.txt',
    'app://studio/.%2e/secret.txt',
    'app://studio/missing.js',
  ])('never serves anything outside out/renderer: %s', async (url) => {
    const answer = await resolveAppRequest(rootDir, url);
    expect([403, 404]).toContain(answer.status);
    expect(answer.filePath).toBeUndefined();
    expect(answer.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers only its own host, and only GET and HEAD', async () => {
    expect((await resolveAppRequest(rootDir, 'app://other/index.html')).status).toBe(404);
    expect((await resolveAppRequest(rootDir, 'app://studio.evil/index.html')).status).toBe(404);
    expect((await resolveAppRequest(rootDir, pathToFileURL(path.join(rootDir, 'index.html')).href)).status).toBe(404);
    expect((await resolveAppRequest(rootDir, APP_PAGE_URL, 'POST')).status).toBe(405);
  });

  it('is registered as a standard, secure scheme, without CORS bypass or service workers', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true });
  });
});

describe("the app's own page", () => {
  const page = resolveAppPage(undefined);

  it('is app://studio/index.html, with any hash or query, and nothing else', () => {
    expect(page.url).toBe('app://studio/index.html');
    expect(page.isOwn('app://studio/index.html')).toBe(true);
    expect(page.isOwn('app://studio/index.html#/runs')).toBe(true);
    for (const other of ['app://studio/other.html', 'app://evil/index.html', 'app://studio.evil/index.html', pathToFileURL(path.join(rootDir, 'index.html')).href, 'http://127.0.0.1:5173/index.html', 'not a url']) {
      expect(page.isOwn(other), other).toBe(false);
    }
  });

  it('in development is the dev server, by origin', () => {
    const dev = resolveAppPage('http://localhost:5173/');
    expect(dev.url).toBe('http://localhost:5173/');
    expect(dev.isOwn('http://localhost:5173/#/runs')).toBe(true);
    expect(dev.isOwn('http://localhost:5174/')).toBe(false);
    expect(dev.isOwn('app://studio/index.html')).toBe(false);
  });
});
