import { BrowserWindow } from 'electron';
import type { PdfPrinter } from '../core/reports';

/**
 * PDF reports in the desktop app: the report's HTML in a hidden, sandboxed window with
 * JavaScript off (the static report needs none to print), printed by Chromium's own printToPDF.
 */
export function electronPdfPrinter(): PdfPrinter {
  return {
    name: "Electron's printToPDF",
    async printToPdf(html: string): Promise<Uint8Array> {
      const window = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
      });
      try {
        await window.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
        return new Uint8Array(await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' }));
      } finally {
        window.destroy();
      }
    },
  };
}
