/** Where a request goes, read off the URL the runtime built, without resolving its dot segments. */
export interface RequestTarget {
  protocol: 'http:' | 'https:';
  /** As the URL names it; an IPv6 literal without brackets. */
  hostname: string;
  port: number;
  /** Path and query exactly as built (percent-encoding kept, `%2E%2E` not resolved), the fragment dropped. */
  path: string;
}

/**
 * Splits an http(s) URL into what the connection needs, or says why it cannot be called. The URL
 * parser reads the scheme, host and port; the path is taken from the text as it is, because the
 * parser would resolve `..` and `%2E%2E` segments, which percent-encoded user text may form.
 */
export function requestTarget(url: string): RequestTarget | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'the URL is not valid' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { problem: `${parsed.protocol} URLs are not called (only http: and https:)` };
  if (parsed.username !== '' || parsed.password !== '') return { problem: 'URLs with user info are not called' };
  const afterScheme = url.indexOf('//') + 2;
  const ends = ['/', '?', '#'].map((c) => url.indexOf(c, afterScheme)).filter((i) => i !== -1);
  let path = ends.length ? url.slice(Math.min(...ends)) : '';
  const hash = path.indexOf('#');
  if (hash !== -1) path = path.slice(0, hash);
  if (!path.startsWith('/')) path = `/${path}`;
  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  return { protocol: parsed.protocol, hostname, port, path };
}
