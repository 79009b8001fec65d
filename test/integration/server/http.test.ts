import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_JS, cookieFrom, rawGet, SECRET, startFixture, type Fixture } from './fixture';

let fx: Fixture;
let port: number;
let token: string;
let cookie: string;

beforeAll(async () => {
  fx = await startFixture();
  ({ port, token } = fx.server);
  cookie = cookieFrom(await rawGet(port, `/?token=${token}`));
});
afterAll(() => fx.close());

describe('browser mode over HTTP', () => {
  it('prints a loopback URL carrying a fresh token', async () => {
    expect(fx.server.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const other = await startFixture();
    try {
      expect(other.server.token).not.toBe(token);
      expect(other.server.port).not.toBe(port);
    } finally {
      await other.close();
    }
  });

  it('refuses a request without the token', async () => {
    const res = await rawGet(port, '/');
    expect(res.status).toBe(401);
    expect(res.body).toContain('?token=');
    expect((await rawGet(port, '/assets/app.js')).status).toBe(401);
  });

  it('refuses a wrong token, also one of the right length', async () => {
    expect((await rawGet(port, '/?token=wrong')).status).toBe(401);
    const sameLength = token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await rawGet(port, `/?token=${sameLength}`)).status).toBe(401);
    expect((await rawGet(port, '/assets/app.js', { Cookie: `token_${port}=${sameLength}` })).status).toBe(401);
  });

  it('serves the page with the token, with security headers and a strict cookie', async () => {
    const res = await rawGet(port, `/?token=${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>studio</title>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
  });

  it('lets the page load its assets with the cookie it got', async () => {
    const js = await rawGet(port, '/assets/app.js', { Cookie: cookie });
    expect(js.status).toBe(200);
    expect(js.body).toBe(APP_JS);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await rawGet(port, '/assets/style.css', { Cookie: `other=1; ${cookie}` });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await rawGet(port, '/assets/missing.js', { Cookie: cookie })).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/%252e%252e/%252e%252e/secret.txt',
    '/..%5csecret.txt',
    '/assets\\..\\..\\secret.txt',
    '/assets/app.js%00.html',
    '/%c0%ae%c0%ae/secret.txt',
    '/escape.txt',
    '/.%2e/secret.txt',
  ])('never serves anything outside the static root: %s', async (rawPath) => {
    const res = await rawGet(port, rawPath, { Cookie: cookie });
    expect([400, 403, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
  });

  it('refuses an absolute-form request target', async () => {
    const res = await rawGet(port, `http://127.0.0.1:${port}/../secret.txt`, { Cookie: cookie });
    expect(res.status).toBe(400);
  });

  it('refuses a Host header that is not this loopback server (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `0.0.0.0:${port}`]) {
      const res = await rawGet(port, `/?token=${token}`, { Host: host });
      expect(res.status, host).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect((await rawGet(port, `/?token=${token}`, { Host: `localhost:${port}` })).status).toBe(200);
  });

  it('answers only GET and HEAD', async () => {
    expect((await rawGet(port, `/?token=${token}`, {}, 'POST')).status).toBe(405);
    const head = await rawGet(port, `/?token=${token}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});
