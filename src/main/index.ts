/**
 * The Electron shell: lifecycle, one window, the menu, and the engine behind IPC. Everything
 * that is not Electron-specific lives in src/core, so it is tested without an Electron binary.
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, protocol, session, type Session } from 'electron';
import { BUNDLED_ENTRIES_ENV } from '../core/process-entries';
import { openStudio } from '../core/studio';
import type { Studio } from '../core/studio-types';
import { resolveAppPage } from './app-page';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, resolveAppRequest } from './app-protocol';
import { DialogGrants } from './dialog-grants';
import { registerIpc, sendToOwnWindows } from './ipc';
import { buildMenu } from './menu';
import { guardAllWebContents, secureSession } from './security';
import { utilityBoardSpawner } from './board-spawner';
import { utilityProcessSpawner } from './utility-spawner';
import { electronPdfPrinter } from './pdf-printer';

const here = import.meta.dirname; // out/main once built
const PRELOAD_PATH = path.join(here, '../preload/index.cjs');
const RUNNER_PATH = path.join(here, 'runner.js');
const WORKER_PATH = path.join(here, 'worker.js');
const SIMULATOR_PATH = path.join(here, 'pty-board.js');
// Processes the workers start themselves (TFLite calibration) run from this bundle too.
process.env[BUNDLED_ENTRIES_ENV] = here;
const RENDERER_DIR = path.join(here, '../renderer');
const page = resolveAppPage(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL);
const grants = new DialogGrants();

interface Engine {
  studio: Studio;
  disposeIpc: () => void;
}
let engine: Engine | null = null;
let quitting = false;

/** The default workspace, in the user data folder; EDGEBENCH_WORKSPACE overrides it (tests use a temp folder). */
function defaultWorkspaceDir(): string {
  return process.env.EDGEBENCH_WORKSPACE ?? path.join(app.getPath('userData'), 'workspace');
}

async function useWorkspace(workspaceDir: string, seedDemo: boolean): Promise<void> {
  const studio = await openStudio({ workspaceDir, seedDemo, runnerSpawner: utilityProcessSpawner(RUNNER_PATH), workerSpawner: utilityProcessSpawner(WORKER_PATH), pdfPrinter: electronPdfPrinter(), boardSpawner: utilityBoardSpawner(SIMULATOR_PATH) });
  const previous = engine;
  previous?.disposeIpc();
  engine = { studio, disposeIpc: registerIpc(studio, page) };
  await previous?.studio.close();
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'EdgeBench Studio',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // A packaged app has no DevTools at all (and no menu entry for them, see menu-template.ts).
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(page.url).catch((error: unknown) => {
    dialog.showErrorBox('EdgeBench Studio could not load its page', `${String(error)}\n\nRebuild it with \`npm run build\`.`);
  });
  return window;
}

async function chooseWorkspace(): Promise<void> {
  const owner = BrowserWindow.getFocusedWindow();
  const options: Electron.OpenDialogOptions = {
    title: 'Open Workspace',
    buttonLabel: 'Open Workspace',
    properties: ['openDirectory', 'createDirectory'],
  };
  const picked = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  const folder = picked.filePaths[0];
  if (picked.canceled || folder === undefined) return;
  grants.grantFolder(folder);
  // The workspace is written to; only a folder the user just picked qualifies.
  grants.assertGranted(folder);
  await useWorkspace(folder, false);
  for (const window of BrowserWindow.getAllWindows()) window.webContents.reload();
}

function showError(title: string, error: unknown): void {
  dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
}

/** app://studio/ answers from out/renderer only, through the same guard as browser mode (app-protocol.ts). */
async function serveAppProtocol(target: Session): Promise<void> {
  const rootDir = await realpath(RENDERER_DIR);
  target.protocol.handle(APP_SCHEME, async (request) => {
    const answer = await resolveAppRequest(rootDir, request.url, request.method);
    const body = answer.filePath === undefined ? (answer.message ?? '') : request.method === 'HEAD' ? null : await readFile(answer.filePath);
    return new Response(body, { status: answer.status, headers: answer.headers });
  });
}

async function start(): Promise<void> {
  secureSession(session.defaultSession);
  await serveAppProtocol(session.defaultSession);
  await useWorkspace(defaultWorkspaceDir(), true);
  Menu.setApplicationMenu(
    buildMenu({
      // A UI hint, not a contract event: the page may listen for it to switch pages.
      navigate: (name) => sendToOwnWindows(page, 'ui.navigate', { page: name }),
      openWorkspace: () => {
        chooseWorkspace().catch((error: unknown) => showError('The workspace could not be opened', error));
      },
    }),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

// Before 'ready': the page's scheme registered, every renderer sandboxed, every WebContents guarded.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.enableSandbox();
guardAllWebContents(page);

if (!app.requestSingleInstanceLock()) {
  // Another studio already owns the workspace; it gets focused instead (see 'second-instance').
  app.quit();
} else {
  app.on('second-instance', () => {
    const window = BrowserWindow.getAllWindows()[0];
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    if (quitting || engine === null) return;
    // Cancel running jobs and let their runners exit before the process goes.
    event.preventDefault();
    quitting = true;
    const closing = engine;
    engine = null;
    closing.disposeIpc();
    closing.studio
      .close()
      .catch((error: unknown) => console.error(`Closing the studio failed: ${String(error)}`))
      .finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      showError('EdgeBench Studio could not start', error);
      app.exit(1);
    });
}
