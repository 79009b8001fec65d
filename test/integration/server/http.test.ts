import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_JS, rawGet, SECRET, startFixture, type Fixture, type RawResponse } from './fixture';

let fx: Fixture;
let port: number;
let token: string;

beforeAll(async () => {
  fx = await startFixture();
  ({ port, token } = fx.server);
});
afterAll(() => fx.close());

/** Every header value and the body of a response, as one string to search for the token. */
function everythingIn(response: RawResponse): string {
  return `${JSON.stringify(response.headers)}\n${response.body}`;
}

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

  it('serves the UI as public files that need no secret and contain none', async () => {
    const plain = await rawGet(port, '/');
    expect(plain.status).toBe(200);
    expect(plain.body).toContain('<title>studio</title>');
    const js = await rawGet(port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe(APP_JS);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await rawGet(port, '/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await rawGet(port, '/assets/missing.js')).status).toBe(404);

    // The printed URL gets the same bytes: the server puts the token in nothing it serves.
    const withToken = await rawGet(port, `/?token=${token}`);
    expect(withToken.body).toBe(plain.body);
    for (const response of [plain, js, withToken, await rawGet(port, `/assets/app.js?token=${token}`)]) {
      expect(everythingIn(response)).not.toContain(token);
    }
  });

  it('never sets a cookie, whatever is asked', async () => {
    const asked = [
      await rawGet(port, `/?token=${token}`),
      await rawGet(port, '/?token=wrong'),
      await rawGet(port, '/assets/app.js', { Cookie: `token_${port}=${token}` }),
      await rawGet(port, '/missing'),
      await rawGet(port, '/../secret.txt'),
      await rawGet(port, '/ws'),
      await rawGet(port, `/?token=${token}`, { Host: 'evil.example' }),
      await rawGet(port, `/?token=${token}`, {}, 'POST'),
      await rawGet(port, `/?token=${token}`, {}, 'HEAD'),
    ];
    for (const response of asked) expect(response.headers['set-cookie'], JSON.stringify(response.headers)).toBeUndefined();
  });

  it('sends the security headers, no-store on the page and no Referer anywhere', async () => {
    const res = await rawGet(port, `/?token=${token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await rawGet(port, '/assets/app.js')).headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers the WebSocket path over plain HTTP with 426, not the API', async () => {
    const res = await rawGet(port, `/ws?token=${token}`);
    expect(res.status).toBe(426);
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
    const res = await rawGet(port, rawPath);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
  });

  it('refuses an absolute-form request target', async () => {
    const res = await rawGet(port, `http://127.0.0.1:${port}/../secret.txt`);
    expect(res.status).toBe(400);
  });

  it('refuses a Host header that is not this loopback server (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `0.0.0.0:${port}`]) {
      const res = await rawGet(port, '/', { Host: host });
      expect(res.status, host).toBe(403);
      expect(res.body).not.toContain('<title>studio</title>');
    }
    expect((await rawGet(port, '/', { Host: `localhost:${port}` })).status).toBe(200);
  });

  it('answers only GET and HEAD', async () => {
    expect((await rawGet(port, '/', {}, 'POST')).status).toBe(405);
    const head = await rawGet(port, '/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});
