import type { Request } from 'restify';

/** A path parameter as text: restify types `req.params` as `any`, so the edge reads it through here. */
export function pathParam(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A query parameter given once, as text; undefined when absent or repeated. */
export function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
