import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, Response, Server } from 'restify';

/**
 * The web chat page and its assets. Same-origin with the API and the WebSocket, so the page needs no
 * CORS and the strict CSP below can say 'self' everywhere.
 *
 * `public/` sits at the repository root: `../../../public` from src/transport/http (ts-jest, ts-node)
 * and from dist/transport/http (the build) is the same folder, and the Docker image copies it next to dist.
 */
const PUBLIC_DIR = resolve(__dirname, '../../../public');

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
  /** Absolute path on disk, fixed at start: URLs never reach the file system. */
  file: string;
  type: string;
  /** Our own files change with every deploy: always revalidate (cheap, thanks to the ETag). */
  cache: string;
}

const REVALIDATE = 'no-cache';
// Mermaid changes only when the dependency is upgraded; a day of caching saves 3.5 MB per visit.
const VENDOR_CACHE = 'public, max-age=86400';

const own = (name: string, type: string): Asset => ({ file: join(PUBLIC_DIR, name), type, cache: REVALIDATE });
const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** The allow-list: URL path → file. Anything else is a 404 from restify, as for the API. */
function assetTable(): Map<string, Asset> {
  return new Map<string, Asset>([
    ['/', own('index.html', HTML)],
    // The same page, opened with the diagram panel shown (the script reads location.pathname).
    ['/flow', own('index.html', HTML)],
    ['/assets/app.css', own('app.css', 'text/css; charset=utf-8')],
    ['/assets/main.js', own('main.js', JS)],
    ['/assets/chat.js', own('chat.js', JS)],
    ['/assets/transcript.js', own('transcript.js', JS)],
    ['/assets/diagram.js', own('diagram.js', JS)],
    ['/assets/api.js', own('api.js', JS)],
    ['/favicon.svg', own('favicon.svg', 'image/svg+xml')],
    ['/vendor/mermaid.min.js', { file: require.resolve('mermaid/dist/mermaid.min.js'), type: JS, cache: VENDOR_CACHE }],
  ]);
}

interface Loaded {
  stamp: string;
  body: Buffer;
  gzip: Buffer | undefined;
  etag: string;
}

/**
 * Reads a file once and keeps it (and its gzip, made on first demand) in memory until its size or
 * modification time changes, so editing public/ in development needs no restart.
 */
class AssetCache {
  private readonly loaded = new Map<string, Loaded>();

  async get(file: string): Promise<Loaded> {
    const info = await stat(file);
    const stamp = `${info.size}-${info.mtimeMs}`;
    const hit = this.loaded.get(file);
    if (hit && hit.stamp === stamp) return hit;
    const body = await readFile(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
    const entry: Loaded = { stamp, body, gzip: undefined, etag };
    this.loaded.set(file, entry);
    return entry;
  }

  gzipped(entry: Loaded): Buffer {
    entry.gzip ??= gzipSync(entry.body);
    return entry.gzip;
  }
}

/** Every asset is text; gzip takes the 3.5 MB Mermaid bundle to about a quarter. Tiny files go as they are. */
const wantsGzip = (req: Request): boolean => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

const ASSETS = assetTable();
const WEB_PATHS: ReadonlySet<string> = new Set(ASSETS.keys());

/** Whether this controller serves `path` (restify ignores a trailing slash), for rest-server's headers. */
export function isWebPath(path: string): boolean {
  return WEB_PATHS.has(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
}

export function registerWebRoutes(server: Server): void {
  const cache = new AssetCache();
  for (const [path, asset] of ASSETS) {
    // async: restify takes an async (req, res) handler as a finished route, and errors reach restifyError.
    const handler = async (req: Request, res: Response): Promise<void> => {
      const entry = await cache.get(asset.file);
      const gzip = entry.body.length > 1024 && wantsGzip(req);
      // The gzipped bytes are another representation, so they get their own (strong) ETag.
      const etag = gzip ? `${entry.etag.slice(0, -1)}-gz"` : entry.etag;
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
      const body = gzip ? cache.gzipped(entry) : entry.body;
      if (gzip) headers['Content-Encoding'] = 'gzip';
      headers['Content-Length'] = String(body.length);
      res.sendRaw(200, body, headers);
    };
    server.get(path, handler);
    server.head(path, handler);
  }
}
