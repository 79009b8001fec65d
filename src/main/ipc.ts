/**
 * The contract over Electron IPC: one ipcMain.handle per call of the contract, each checking
 * that the sender is our own page before anything runs, and engine events pushed to our
 * windows on one channel (the preload fans them out).
 */
import { BrowserWindow, ipcMain, type WebFrameMain } from 'electron';
import type { Studio } from '../core/studio-types';
import { DESKTOP_MODEL_IMPORT_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/bridge';
import { listCalls } from '../shared/contract';
import { StudioError } from '../shared/errors';
import { dispatchCall } from '../shared/rpc';
import type { AppPage } from './app-page';
import { importModelAtPaths } from './model-path-import';


/** Registers every call; returns a function that removes them (before the studio is swapped). */
export function registerIpc(studio: Studio, page: AppPage): () => void {
  const channels = listCalls().map(({ channel }) => channel);
  for (const channel of channels) {
    ipcMain.handle(channel, (event, request: unknown) => {
      assertOwnFrame(event.senderFrame, page, channel);
      return dispatchCall(studio.handlers, channel, request);
    });
  }
  // The desktop's import by path (the preload's webUtils), checked in model-path-import.ts.
  ipcMain.handle(DESKTOP_MODEL_IMPORT_CHANNEL, (event, request: unknown) => {
    assertOwnFrame(event.senderFrame, page, DESKTOP_MODEL_IMPORT_CHANNEL);
    return importModelAtPaths(studio.handlers, request);
  });
  const unsubscribe = studio.onEvent((name, payload) => sendToOwnWindows(page, name, payload));
  return () => {
    unsubscribe();
    for (const channel of channels) ipcMain.removeHandler(channel);
    ipcMain.removeHandler(DESKTOP_MODEL_IMPORT_CHANNEL);
  };
}

/** Pushes an event (a contract event, or a UI hint such as the menu's 'ui.navigate') to our windows. */
export function sendToOwnWindows(page: AppPage, name: string, payload: unknown): void {
  for (const window of BrowserWindow.getAllWindows()) {
    const contents = window.webContents;
    if (!contents.isDestroyed() && page.isOwn(contents.getURL())) contents.send(IPC_EVENT_CHANNEL, name, payload);
  }
}

function assertOwnFrame(frame: WebFrameMain | null, page: AppPage, channel: string): void {
  // A frame that navigated away or was destroyed since sending reads as null.
  if (frame === null || frame.parent !== null || !page.isOwn(frame.url)) {
    throw new StudioError('BAD_INPUT', `Refused the call '${channel}': it did not come from the studio's own page.`, {
      channel,
      sender: frame?.url ?? 'unknown',
    });
  }
}
