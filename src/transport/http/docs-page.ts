import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Request, Response, Server } from 'restify';
import { errors } from '../../errors';

/**
 * `/docs`: the API reference, rendered in the browser by Redoc (a maintained OpenAPI renderer) from
 * `/api/openapi.json`. Redoc's standalone bundle is copied from node_modules into public/vendor/ by
 * `npm run build` (scripts/vendor-assets.js) and served from here: nothing comes from a CDN.
 */
export const DOCS_PATH = '/docs';
const BUNDLE_PATH = '/docs/redoc.standalone.js';
const INIT_PATH = '/docs/reference.js';

const BUNDLE_FILE = resolve(__dirname, '../../../public/vendor/redoc.standalone.js');

/**
 * CSP of the reference page: scripts from this origin only (no inline script, no eval), the document
 * fetched from this origin; inline styles because Redoc's styled-components writes `<style>` elements
 * (they cannot carry a nonce without a per-request script); `data:` images for the few icons Redoc
 * inlines. No workers: the page runs Redoc with its search off, which is the part that starts one.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flowbot API reference</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<noscript>The reference needs JavaScript. The description itself is at <a href="/api/openapi.json">/api/openapi.json</a>
(REST) and <a href="/api/asyncapi.json">/api/asyncapi.json</a> (WebSocket).</noscript>
<div id="reference"></div>
<script src="${BUNDLE_PATH}"></script>
<script src="${INIT_PATH}"></script>
</body>
</html>
`;

// Runs in the page: the options are Redoc's (https://redocly.com/docs/redoc/config).
const INIT = `'use strict';
Redoc.init('/api/openapi.json', {
  disableSearch: true,
  expandResponses: '200,201',
  jsonSampleExpandLevel: 4,
  hideHostname: true,
  sortTagsAlphabetically: false,
  theme: { typography: { fontFamily: 'system-ui, sans-serif', headings: { fontFamily: 'system-ui, sans-serif' } } },
}, document.getElementById('reference'));
`;

interface Served {
  type: string;
  body: Buffer;
  gzip: Promise<Buffer>;
  etag: string;
  cache: string;
}

const serve = (type: string, body: Buffer, cache: string): Served => ({
  type,
  body,
  // Compressed once, off the event loop (zlib's thread pool), while the server starts.
  gzip: promisify(gzip)(body),
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
  cache,
});

/** Whether `path` is one of the reference page's (they get DOCS_CSP instead of the API's). */
export function isDocsPath(path: string): boolean {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === DOCS_PATH || trimmed === BUNDLE_PATH || trimmed === INIT_PATH;
}

export function registerDocsPage(server: Server): void {
  const bundle = existsSync(BUNDLE_FILE) ? readFileSync(BUNDLE_FILE) : undefined;
  const files = new Map<string, Served | undefined>([
    [DOCS_PATH, serve('text/html; charset=utf-8', Buffer.from(PAGE), 'no-cache')],
    [INIT_PATH, serve('text/javascript; charset=utf-8', Buffer.from(INIT), 'no-cache')],
    // Changes only with the redoc dependency; revalidated daily.
    [BUNDLE_PATH, bundle && serve('text/javascript; charset=utf-8', bundle, 'public, max-age=86400')],
  ]);
  for (const [path, file] of files) {
    server.get(path, async (req: Request, res: Response) => {
      if (!file || !bundle) throw errors.notFound('the API reference page (Redoc is vendored by `npm run build`)');
      const gzipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const etag = gzipped ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
      const headers: Record<string, string> = {
        'Content-Type': file.type,
        'Cache-Control': file.cache,
        ETag: etag,
        Vary: 'Accept-Encoding',
      };
      if (req.headers['if-none-match'] === etag) {
        res.sendRaw(304, '', headers);
        return;
      }
      const body = gzipped ? await file.gzip : file.body;
      if (gzipped) headers['Content-Encoding'] = 'gzip';
      res.sendRaw(200, body, headers);
    });
  }
}
