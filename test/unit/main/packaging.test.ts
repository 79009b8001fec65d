/**
 * What `npm run dist` packages, checked without an Electron binary (none can be downloaded here,
 * so electron-builder itself cannot run): the "build" config of package.json is valid for the
 * pinned electron-builder (its own JSON schema), its fuses come out of electron-builder's own
 * translation as the fuse bits we mean, only out/ and resources/ go in, and the packaged
 * layout still finds resources/ where src/core/resources.ts looks.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { findResourcesDir } from '../../../src/core/resources';
import { repoRoot } from '../../helpers/run-cli';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  build: {
    asar: boolean;
    files: string[];
    extraResources: Array<{ from: string; to: string }>;
    electronFuses: Record<string, boolean>;
    linux: { target: string[] };
    mac: { target: string[] };
    win: { target: string[] };
  };
};

interface FuseTranslator {
  generateFuseConfig(fuses: Record<string, boolean>): Promise<Record<string | number, unknown>>;
}

const temp = mkdtempSync(path.join(tmpdir(), 'edgebench-packaging-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('npm run dist (electron-builder config in package.json)', () => {
  it('is valid for the pinned electron-builder, by its own schema', () => {
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies['@electron/fuses']).toMatch(/^\d+\.\d+\.\d+$/);
    const schema = require('app-builder-lib/scheme.json') as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(pkg.build), JSON.stringify(validate.errors)).toBe(true);
    // The packaged app has no src/ and no esbuild, so the SSH boards' Node runner must be prebuilt
    // into out/main (where node-runner-bundle.ts looks) before electron-builder packs out/main.
    expect(pkg.scripts.dist).toMatch(/^electron-vite build && tsx scripts\/build-remote-runner\.ts && electron-builder /);
  });

  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; app only from a checked asar; encrypted cookies', async () => {
    // electron-builder's own translation of the config into @electron/fuses bits (it does not use `this`).
    const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: FuseTranslator } };
    const config = await PlatformPackager.prototype.generateFuseConfig.call(null, pkg.build.electronFuses);
    expect(config).toEqual({
      version: FuseVersion.V1,
      resetAdHocDarwinSignature: undefined,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
      // The page comes from app://studio/, so file:// needs no extra privileges.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });

  it('packs out/ into an asar, resources/ beside it, for AppImage and deb, dmg and nsis', () => {
    expect(pkg.build.asar).toBe(true);
    expect(pkg.build.files).toEqual(['out/main/**/*', 'out/preload/**/*', 'out/renderer/**/*', 'package.json']);
    expect(pkg.main).toBe('./out/main/index.js');
    expect(pkg.build.extraResources).toEqual([{ from: 'resources', to: 'resources' }]);
    expect(pkg.build.linux.target).toEqual(['AppImage', 'deb']);
    expect(pkg.build.mac.target).toEqual(['dmg']);
    expect(pkg.build.win.target).toEqual(['nsis']);
  });

  it.each([
    ['Linux and Windows', 'resources'],
    ['macOS', 'Contents/Resources'],
  ])('the packaged app (%s) finds resources/ from inside app.asar', (_os, resourcesFolder) => {
    // <install>/<resources>/app.asar/out/main holds the main bundle; extraResources lands in <resources>/resources.
    const electronResources = path.join(temp, _os.replace(/\W/g, ''), resourcesFolder);
    const mainDir = path.join(electronResources, 'app.asar', 'out', 'main');
    mkdirSync(mainDir, { recursive: true });
    mkdirSync(path.join(electronResources, 'resources', 'models'), { recursive: true });
    expect(findResourcesDir(mainDir)).toBe(path.join(electronResources, 'resources'));
  });
});
