import os from 'node:os';
import path from 'node:path';

/** Must match package.json "productName": Electron derives app.getPath('userData') from it. */
export const APP_DIR_NAME = 'EdgeBench Studio';

/**
 * The default workspace, in the same user data folder Electron uses, so the CLI, browser
 * mode and the desktop app share one workspace. EDGEBENCH_WORKSPACE overrides it.
 */
export function defaultWorkspaceDir(): string {
  const override = process.env.EDGEBENCH_WORKSPACE;
  if (override) return path.resolve(override);
  const home = os.homedir();
  const appData =
    process.platform === 'darwin'
      ? path.join(home, 'Library', 'Application Support')
      : process.platform === 'win32'
        ? (process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
        : (process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return path.join(appData, APP_DIR_NAME, 'workspace');
}
