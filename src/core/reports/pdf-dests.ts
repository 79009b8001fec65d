/**
 * Reads what the PDF preview needs from a PDF Chromium printed: how many pages it has, and on
 * which page each named destination lies (Chromium writes one per element that a link inside
 * the document points to, as `/name [pageRef /XYZ x y zoom]` in the catalog's /Dests).
 *
 * Hand-written rather than a PDF library: the project ships none, and this reads only the file's
 * cross-reference table, its catalog, page tree and /Dests dictionary, which Chromium (Skia's PDF
 * backend) writes as plain objects; every offset and reference is checked, and anything else
 * (compressed object streams, a /Names tree, a damaged file) gives null, never a guess.
 */

export interface PdfDestination {
  /** 1-based page number. */
  page: number;
  /** The destination's height from the page's bottom edge, in PDF points (1/72 in). */
  y: number;
}

export interface PdfPageMap {
  pageCount: number;
  /** By destination name. */
  destinations: Map<string, PdfDestination>;
}

/** A page tree deeper than this is not one Chromium wrote. */
const MAX_TREE_DEPTH = 32;

class PdfObjects {
  private readonly offsets = new Map<number, number>();

  constructor(private readonly text: string) {
    if (!this.readXref()) this.scanObjects();
  }

  /** The classic table after `startxref`: "xref", then sections "first count", then 20-byte entries. */
  private readXref(): boolean {
    const start = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(this.text.slice(-64));
    if (!start) return false;
    let at = Number(start[1]);
    if (this.text.slice(at, at + 4) !== 'xref') return false;
    at += 4;
    const sectionHead = /\s*(\d+) (\d+)\s*/y;
    for (;;) {
      sectionHead.lastIndex = at;
      const head = sectionHead.exec(this.text);
      if (!head) break;
      const first = Number(head[1]);
      const count = Number(head[2]);
      at = sectionHead.lastIndex;
      for (let i = 0; i < count; i++) {
        const entry = this.text.slice(at + i * 20, at + i * 20 + 18);
        const match = /^(\d{10}) (\d{5}) ([nf])$/.exec(entry);
        if (!match) return false;
        if (match[3] === 'n') this.offsets.set(first + i, Number(match[1]));
      }
      at += count * 20;
    }
    return this.offsets.size > 0;
  }

  /** Without a usable table: every "N 0 obj" at a line start (the last one wins, as an update would). */
  private scanObjects(): void {
    for (const match of this.text.matchAll(/(?:^|[\r\n])(\d+) 0 obj\b/g)) {
      this.offsets.set(Number(match[1]), match.index + match[0].length - `${match[1]} 0 obj`.length);
    }
  }

  /** The text of object `num` up to its end (or the start of its stream, whose bytes are never read here). */
  body(num: number): string | null {
    const offset = this.offsets.get(num);
    if (offset === undefined || offset >= this.text.length) return null;
    const head = `${num} 0 obj`;
    if (this.text.slice(offset, offset + head.length) !== head) return null;
    const end = this.text.indexOf('endobj', offset);
    const stream = this.text.indexOf('stream', offset);
    const stop = [end, stream].filter((at) => at >= 0);
    return stop.length === 0 ? null : this.text.slice(offset + head.length, Math.min(...stop));
  }

  trailerRoot(): number | null {
    const trailer = this.text.lastIndexOf('trailer');
    const match = /\/Root\s+(\d+)\s+0\s+R/.exec(trailer >= 0 ? this.text.slice(trailer) : '');
    return match ? Number(match[1]) : null;
  }
}

function reference(body: string, key: string): number | null {
  const match = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(body);
  return match ? Number(match[1]) : null;
}

/** Page object numbers in document order: a depth-first walk of /Kids from the root /Pages node. */
function pageObjects(objects: PdfObjects, root: number): number[] | null {
  const pages: number[] = [];
  const seen = new Set<number>();
  const walk = (num: number, depth: number): boolean => {
    if (depth > MAX_TREE_DEPTH || seen.has(num)) return false;
    seen.add(num);
    const body = objects.body(num);
    if (body === null) return false;
    if (/\/Type\s*\/Pages\b/.test(body)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(body);
      if (!kids) return false;
      return [...(kids[1] ?? '').matchAll(/(\d+)\s+0\s+R/g)].every((kid) => walk(Number(kid[1]), depth + 1));
    }
    if (/\/Type\s*\/Page\b/.test(body)) {
      pages.push(num);
      return true;
    }
    return false;
  };
  return walk(root, 0) ? pages : null;
}

/** A PDF name's #xx escapes, decoded. */
function decodeName(name: string): string {
  return name.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The page count and named destinations of a PDF as Chromium prints it; null for any other kind of file. */
export function readPdfPageMap(pdf: Uint8Array): PdfPageMap | null {
  // latin1 maps each byte to one character, so offsets in the text are offsets in the file.
  const text = new TextDecoder('latin1').decode(pdf);
  if (!text.startsWith('%PDF-')) return null;
  const objects = new PdfObjects(text);
  const rootNum = objects.trailerRoot();
  const catalog = rootNum === null ? null : objects.body(rootNum);
  if (catalog === null) return null;
  const pagesRoot = reference(catalog, 'Pages');
  const pages = pagesRoot === null ? null : pageObjects(objects, pagesRoot);
  if (pages === null || pages.length === 0) return null;
  const pageNumber = new Map(pages.map((num, i) => [num, i + 1]));

  const destinations = new Map<string, PdfDestination>();
  const destsRef = reference(catalog, 'Dests');
  const inline = /\/Dests\s*<</.exec(catalog);
  const dests = destsRef !== null ? objects.body(destsRef) : inline ? catalog.slice(inline.index) : '';
  if (dests === null) return null;
  for (const match of dests.matchAll(/\/([^\s/[\]<>()%{}]+)\s*\[\s*(\d+)\s+0\s+R\s*\/XYZ\s+(-?[\d.]+|null)\s+(-?[\d.]+|null)/g)) {
    const page = pageNumber.get(Number(match[2]));
    if (page === undefined) continue;
    destinations.set(decodeName(match[1] ?? ''), { page, y: match[4] === 'null' ? 0 : Number(match[4]) });
  }
  return { pageCount: pages.length, destinations };
}
