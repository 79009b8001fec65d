/**
 * Serving the built UI over HTTP: the files src/core/ui-files.ts finds, streamed with their type
 * and caching headers (the caller has already set the security headers).
 */
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { cacheControlFor, contentTypeFor } from '../core/ui-files';

export { contentTypeFor, lookupStatic, type StaticLookup } from '../core/ui-files';

/** Streams a looked-up file; the caller has already set the security headers. */
export function sendFile(res: ServerResponse, file: { filePath: string; sizeBytes: number }, headOnly: boolean): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypeFor(file.filePath));
  res.setHeader('Content-Length', String(file.sizeBytes));
  res.setHeader('Cache-Control', cacheControlFor(file.filePath));
  if (headOnly) {
    res.end();
    return;
  }
  const stream = createReadStream(file.filePath);
  stream.on('error', (error) => res.destroy(error));
  stream.pipe(res);
}
