import { StudioError } from '../../shared/errors';
import { say, worded } from '../../shared/remedies';

/** The way out of a PDF that cannot be printed, in each front-end's words. */
export const HTML_INSTEAD = say('use --format html', 'choose HTML in the Export dialog');

/**
 * Turns a self-contained HTML page into PDF bytes. The CLI and browser mode use Chromium
 * (chromium-pdf.ts); the Electron shell plugs in webContents.printToPDF, so core never imports
 * Electron. A printer must allow no network request while printing.
 */
export interface PdfPrinter {
  /** For messages: "Chromium (/usr/bin/chromium)", "Electron printToPDF". */
  name: string;
  printToPdf(html: string): Promise<Uint8Array>;
}

const PDF_MAGIC = '%PDF-';

export async function renderPdf(html: string, printer: PdfPrinter): Promise<Uint8Array> {
  const pdf = await printer.printToPdf(html);
  const head = String.fromCharCode(...pdf.subarray(0, PDF_MAGIC.length));
  if (head !== PDF_MAGIC) {
    throw new StudioError('INTERNAL', worded`${printer.name} returned something that is not a PDF (it starts with '${head}'); ${say('try --format html', 'choose HTML in the Export dialog')} and print it from a browser.`, {
      printer: printer.name,
    });
  }
  return pdf;
}
