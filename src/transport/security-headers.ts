/**
 * Headers for every answer that is not a page: never something to frame, sniff or cache. Shared by the
 * REST server and the answers written on a bare socket (src/transport/raw-error-response.ts), so that
 * no answer, however early it is refused, goes out without them.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
});
