/** What the export dialog needs to know about a rendered file to preview it. */

/** The preview shows this many lines of a text file; the saved file has them all. */
export const PREVIEW_LINES = 200;

export type PreviewKind = 'html' | 'pdf' | 'text';

export function previewKind(mediaType: string): PreviewKind {
  if (mediaType === 'text/html') return 'html';
  if (mediaType === 'application/pdf') return 'pdf';
  return 'text';
}

export function decodeBase64(dataBase64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(dataBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The first lines of a text file, and how many it has in all. */
export function textHead(bytes: Uint8Array, maxLines = PREVIEW_LINES): { text: string; shownLines: number; totalLines: number } {
  const lines = new TextDecoder('utf-8').decode(bytes).replace(/\r?\n$/, '').split(/\r?\n/);
  const shown = lines.slice(0, maxLines);
  return { text: shown.join('\n'), shownLines: shown.length, totalLines: lines.length };
}

/**
 * Pages of a PDF, counted from its page objects ("/Type /Page", not "/Pages"): the studio's CSP
 * (object-src 'none', frames from 'self' only) lets the page neither embed a PDF nor frame a
 * blob: URL, so the preview shows the pages the engine laid out from the PDF's own page map
 * (previewHtml), and for a PDF without one only this count. Chromium writes page
 * objects uncompressed; a PDF that hides them in object streams falls back to the page tree's
 * /Count.
 */
export function pdfPageCount(bytes: Uint8Array): number {
  // latin1 maps every byte to one character, so binary streams cannot break the match.
  const text = new TextDecoder('latin1').decode(bytes);
  const pages = text.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  if (pages > 0) return pages;
  const counts = [...text.matchAll(/\/Count\s+(\d+)/g)].map((m) => Number(m[1]));
  return counts.length > 0 ? Math.max(...counts) : 0;
}

/**
 * The report without its scripts, for a frame that may run none (sandbox=""): otherwise the
 * browser logs a blocked-script error for each. The charts are SVG and need no script; only the
 * table sorting does, and it works in the saved file. Links within the report are made to stay in the frame.
 */
export function htmlForPreview(bytes: Uint8Array): string {
  const doc = new DOMParser().parseFromString(new TextDecoder('utf-8').decode(bytes), 'text/html');
  for (const script of doc.querySelectorAll('script')) script.remove();
  // A srcdoc frame resolves "#latency" against the studio's address, so the report's own links
  // would load the studio into the frame; "about:srcdoc#latency" scrolls within the report.
  for (const link of doc.querySelectorAll<HTMLAnchorElement>('a[href^="#"]')) link.setAttribute('href', `about:srcdoc${link.getAttribute('href') ?? ''}`);
  return `<!doctype html>\n${doc.documentElement.outerHTML}`;
}
