import { isRecord, stringField } from '../document';
import { pointer } from '../problems';
import { parseTemplate } from '../template';
import type { Rule } from './context';

/**
 * Headers an http block may not set: the client computes them from the request itself (framing,
 * the host it connects to), and letting a flow set them would let it smuggle a second request or
 * name another host than the one whose address was checked.
 */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

function forbiddenHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(lower) || lower.startsWith('proxy-');
}

/** Where the authority (user info, host, port) of an absolute URL ends: the first `/`, `?` or `#` after `//`. */
function authorityEnd(url: string): number {
  const from = url.indexOf('//') + 2;
  const ends = ['/', '?', '#'].map((c) => url.indexOf(c, from)).filter((i) => i !== -1);
  return ends.length ? Math.min(...ends) : url.length;
}

/** Why an http block's url template cannot be called, or undefined when it can. */
function urlProblem(url: string): string | undefined {
  // The schema's pattern already refuses a URL that is not http(s); invalid_template, a malformed placeholder.
  if (!/^https?:\/\//i.test(url)) return undefined;
  const parsed = parseTemplate(url);
  if (parsed.errors.length > 0) return undefined;
  const hostEnd = authorityEnd(url);
  if (parsed.parts.some((part) => part.kind === 'placeholder' && part.start < hostEnd)) {
    return 'placeholders may only stand after the host (in the path, the query or the fragment): the address a flow calls is fixed';
  }
  // Every placeholder rendered as a harmless sample: what is left must be a callable URL.
  const sample = parsed.parts.map((part) => (part.kind === 'text' ? part.text : 'x')).join('');
  let target: URL;
  try {
    target = new URL(sample);
  } catch {
    return 'is not a valid URL';
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'must be an http: or https: URL';
  if (target.username !== '' || target.password !== '') return 'must not hold user info (user:password@): send credentials in a header';
  if (target.hostname === '') return 'names no host';
  return undefined;
}

/**
 * `invalid_http_url`: an http block's url is a callable http(s) URL with a fixed host and no user info.
 * `forbidden_header`: a header the client sets itself (Host, Content-Length, Connection, ...).
 * `timeout_too_long`: `timeoutMs` above HTTP_MAX_TIMEOUT_MS.
 */
export const httpBlocks: Rule = ({ blocks, limits, errors }) => {
  for (const { index, block } of blocks) {
    if (block.type !== 'http') continue;
    const url = stringField(block, 'url');
    const problem = url === undefined ? undefined : urlProblem(url);
    if (problem) errors.push({ path: pointer('blocks', index, 'url'), code: 'invalid_http_url', message: `the url ${problem}` });
    if (isRecord(block.headers)) {
      for (const name of Object.keys(block.headers)) {
        if (!forbiddenHeader(name)) continue;
        errors.push({
          path: pointer('blocks', index, 'headers', name),
          code: 'forbidden_header',
          message: `"${name}" is set by the client itself from the request and cannot be set by a flow`,
        });
      }
    }
    const timeoutMs = block.timeoutMs;
    if (typeof timeoutMs === 'number' && timeoutMs > limits.maxHttpTimeoutMs) {
      errors.push({
        path: pointer('blocks', index, 'timeoutMs'),
        code: 'timeout_too_long',
        message: `an http block may wait at most ${limits.maxHttpTimeoutMs} ms (HTTP_MAX_TIMEOUT_MS)`,
      });
    }
  }
};
