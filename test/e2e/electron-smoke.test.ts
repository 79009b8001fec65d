/**
 * The desktop app itself, driven by Playwright's Electron support: the built main process
 * starts, the sandboxed page loads with only `window.edgebench` from the preload, and a call
 * goes through IPC to the engine. It needs the Electron binary, which electron's package
 * downloads from GitHub on first use; where there is none (or no display) this is the one test
 * that is skipped, saying why. It never downloads anything itself.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

interface PageGlobals {
  edgebench: { workspace: { info(req: object): Promise<{ path: string; modelCount: number }> } };
  require?: unknown;
  process?: unknown;
  open(url: string): unknown;
}

const root = path.resolve(import.meta.dirname, '../..');

function findElectronBinary(): { binary: string } | { reason: string } {
  const packageDir = path.join(root, 'node_modules', 'electron');
  let relative: string;
  try {
    relative = readFileSync(path.join(packageDir, 'path.txt'), 'utf8');
  } catch {
    return { reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)' };
  }
  const binary = path.join(packageDir, 'dist', relative);
  if (!existsSync(binary)) return { reason: `the Electron binary '${binary}' is missing` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (run it under xvfb-run)' };
  }
  if (!existsSync(path.join(root, 'out', 'main', 'index.js'))) {
    return { reason: 'the app is not built (run `npm run build` first)' };
  }
  return { binary };
}

const found = findElectronBinary();
if ('reason' in found) console.log(`Skipping the Electron smoke test: ${found.reason}. Browser mode is tested instead.`);

describe('the Electron app', () => {
  it.skipIf('reason' in found)('starts, loads the sandboxed UI and answers a call over IPC', async () => {
    if (!('binary' in found)) return;
    const workspaceDir = mkdtempSync(path.join(tmpdir(), 'edgebench-electron-'));
    // Chromium refuses to start as root with its OS sandbox (CI runs as root); the renderer's
    // own sandbox (webPreferences.sandbox) stays on either way.
    const args = process.getuid?.() === 0 ? ['--no-sandbox', root] : [root];
    const env: Record<string, string> = { EDGEBENCH_WORKSPACE: workspaceDir };
    for (const [key, value] of Object.entries(process.env)) {
      // ELECTRON_RUN_AS_NODE would make Electron a plain Node and ignore the app.
      if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE' && !(key in env)) env[key] = value;
    }
    const app = await electron.launch({ executablePath: found.binary, args, cwd: root, env });
    try {
      const page = await app.firstWindow();
      await page.waitForSelector('[data-app-state="loaded"]');
      // These callbacks run in the page; the test's tsconfig has no DOM types, hence PageGlobals.
      const exposed = await page.evaluate(() => {
        const page = globalThis as unknown as PageGlobals;
        return { edgebench: typeof page.edgebench, require: typeof page.require, process: typeof page.process };
      });
      expect(exposed).toEqual({ edgebench: 'object', require: 'undefined', process: 'undefined' });

      const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).edgebench.workspace.info({}));
      expect(info.path).toBe(workspaceDir);
      expect(info.modelCount).toBe(1);

      // New windows are denied: window.open returns null and no second window appears.
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com') === null)).toBe(true);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      rmSync(workspaceDir, { recursive: true, force: true });
    }
  });
});
