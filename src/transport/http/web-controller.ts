import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { errors } from '../../errors';
import type { PageSettings } from './page-settings';

export type { PageSettings } from './page-settings';

const gzip = promisify(gzipCallback);

/**
 * The web chat page and its assets. Same-origin with the API and the WebSocket, so the page needs no
 * CORS and the strict CSP below can say 'self' everywhere.
 *
 * `public/` sits at the repository root: `../../../public` from src/transport/http (ts-jest, ts-node)
 * and from dist/transport/http (the build) is the same folder, and the Docker image copies it next to dist.
 */
const PUBLIC_DIR = resolve(__dirname, '../../../public');

/** Where `npm run build` copies Mermaid's browser bundle (scripts/vendor-assets.js), so that the package is not needed at run time. */
export const MERMAID_BUNDLE = join(PUBLIC_DIR, 'vendor', 'mermaid.min.js');

/**
 * CSP for pages (the API keeps `default-src 'none'`):
 * - scripts only from this origin: no inline script, no eval, no CDN;
 * - `connect-src 'self'` covers fetch to /api and, in CSP 3 browsers (Chrome 71+, Firefox, Safari 16+),
 *   the same-origin ws:/wss: socket, so no wildcard `ws:` is needed;
 * - `style-src 'unsafe-inline'` because Mermaid writes a `<style>` element and `style="..."` attributes
 *   into the SVG it renders; they cannot carry a nonce and change with every diagram, so no hash fits.
 *   Styles cannot run code, and scripts stay locked down. (Checked in Chromium: without it the diagram
 *   is blocked; images need nothing beyond 'self', not even data:);
 * - no plugins, no framing, no `<base>` rewriting, and forms cannot post anywhere (the page uses JS).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  /** A file on disk (fixed at start: URLs never reach the file system), or generated content. */
  source: { file: string } | { text: string };
  type: string;
  cache: string;
}

/** Our own files change with every deploy: always revalidate (cheap, thanks to the ETag). */
const REVALIDATE = 'no-cache';
// Mermaid changes only when the dependency is upgraded; a day of caching saves 3.5 MB per visit.
const VENDOR_CACHE = 'public, max-age=86400';

const own = (name: string, type: string): Asset => ({ source: { file: join(PUBLIC_DIR, name) }, type, cache: REVALIDATE });
const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** The allow-list: URL path → content. Anything else is a 404 from restify, as for the API. */
function assetTable(settings: PageSettings): Map<string, Asset> {
  return new Map<string, Asset>([
    ['/', own('index.html', HTML)],
    // The same page, opened with the diagram panel shown (the script reads location.pathname).
    ['/flow', own('index.html', HTML)],
    ['/assets/app.css', own('app.css', 'text/css; charset=utf-8')],
    ['/assets/main.js', own('main.js', JS)],
    ['/assets/chat.js', own('chat.js', JS)],
    ['/assets/composer.js', own('composer.js', JS)],
    ['/assets/transcript.js', own('transcript.js', JS)],
    ['/assets/diagram.js', own('diagram.js', JS)],
    ['/assets/traffic.js', own('traffic.js', JS)],
    ['/assets/api.js', own('api.js', JS)],
    ['/assets/target.js', own('target.js', JS)],
    ['/assets/settings.json', { source: { text: JSON.stringify(settings) }, type: 'application/json; charset=utf-8', cache: REVALIDATE }],
    ['/favicon.svg', own('favicon.svg', 'image/svg+xml')],
    ['/vendor/mermaid.min.js', { source: { file: MERMAID_BUNDLE }, type: JS, cache: VENDOR_CACHE }],
  ]);
}

/** An asset in memory: its bytes, their gzip (when worth it) and an ETag for each. */
interface Loaded {
  body: Buffer;
  etag: string;
  gzip: { body: Buffer; etag: string } | undefined;
}

/** Tiny files go as they are: gzip would save less than its header costs. */
const GZIP_MIN_BYTES = 1024;

/**
 * Reads and compresses one asset. Runs once, at start: zlib's async gzip works on libuv's thread
 * pool, so compressing the 3.5 MB Mermaid bundle never holds up a conversation, and no request reads
 * or stats a file. Editing public/ therefore needs a restart.
 */
async function load(asset: Asset): Promise<Loaded> {
  const body = 'file' in asset.source ? await readFile(asset.source.file) : Buffer.from(asset.source.text);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
  // The gzipped bytes are another representation, so they get their own (strong) ETag.
  const zipped = body.length > GZIP_MIN_BYTES ? { body: await gzip(body), etag: `${etag.slice(0, -1)}-gz"` } : undefined;
  return { body, etag, gzip: zipped };
}

const wantsGzip = (req: Request): boolean => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

const WEB_PATHS: ReadonlySet<string> = new Set(assetTable({ maxMessageChars: 0, maxFrameBytes: 0 }).keys());

/** Whether this controller serves `path` (restify ignores a trailing slash), for rest-server's headers. */
export function isWebPath(path: string): boolean {
  return WEB_PATHS.has(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
}

export interface WebRoutesOptions {
  settings: PageSettings;
  logger: Logger;
}

export function registerWebRoutes(server: Server, { settings, logger }: WebRoutesOptions): void {
  for (const [path, asset] of assetTable(settings)) {
    // Loading starts now; a request that comes before it is done waits for it. A file that cannot be
    // read (the Mermaid bundle before `npm run build`) is logged once and answers 404.
    const loaded = load(asset).catch((err: unknown) => {
      logger.warn({ err, path }, `web page asset ${path} cannot be served${path.startsWith('/vendor/') ? ': run npm run build' : ''}`);
      return undefined;
    });
    // async: restify takes an async (req, res) handler as a finished route, and errors reach restifyError.
    const handler = async (req: Request, res: Response): Promise<void> => {
      const entry = await loaded;
      if (!entry) throw errors.notFound(`the web page asset ${path}`);
      const variant = entry.gzip && wantsGzip(req) ? entry.gzip : undefined;
      const etag = variant?.etag ?? entry.etag;
      const headers: Record<string, string> = {
        'Content-Type': asset.type,
        'Cache-Control': asset.cache,
        ETag: etag,
        Vary: 'Accept-Encoding',
      };
      if (req.headers['if-none-match'] === etag) {
        res.sendRaw(304, '', headers);
        return;
      }
      const body = variant?.body ?? entry.body;
      if (variant) headers['Content-Encoding'] = 'gzip';
      headers['Content-Length'] = String(body.length);
      res.sendRaw(200, body, headers);
    };
    server.get(path, handler);
    server.head(path, handler);
  }
}
