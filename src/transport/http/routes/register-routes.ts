import type { Request, Response, Server } from 'restify';
import { type ParameterCheck, parameterCheck } from './parameter-check';
import type { AnyReply, AnyRoute } from './route';

/** `/api/flows/{version}` (OpenAPI) → `/api/flows/:version` (restify). */
export const restifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * The query string as sent: every name once (repeated ones as a list), read with the WHATWG
 * URLSearchParams rather than restify's qs-based parser, which would turn `a[b]=1` into an object.
 */
function queryOf(req: Request): Record<string, string | string[]> {
  const search = (req.url ?? '').split('?')[1] ?? '';
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

function pathParams(req: Request): Record<string, string> {
  const params: unknown = req.params;
  const out: Record<string, string> = {};
  if (typeof params === 'object' && params !== null) {
    for (const [name, value] of Object.entries(params)) if (typeof value === 'string') out[name] = value;
  }
  return out;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: Response, reply: AnyReply): void {
  const headers = { ...reply.headers };
  if (reply.raw) {
    res.sendRaw(reply.status, reply.raw.body, { ...headers, 'Content-Type': reply.raw.contentType });
  } else if (reply.json !== undefined) {
    // Serialised here, not by restify's formatters: the answer is JSON whatever the Accept header says.
    res.sendRaw(reply.status, JSON.stringify(reply.json), { ...headers, 'Content-Type': JSON_TYPE });
  } else {
    res.sendRaw(reply.status, '', headers);
  }
}

/** Registers every route: parameters checked against its schemas, then its handler, then its reply sent. */
export function registerRoutes(server: Server, routes: readonly AnyRoute[]): void {
  for (const route of routes) {
    const checkParams: ParameterCheck = parameterCheck(route.params, 'path');
    const checkQuery: ParameterCheck = parameterCheck(route.query, 'query');
    // async: restify takes an async (req, res) handler as a finished route; errors reach restifyError.
    const handler = async (req: Request, res: Response): Promise<void> => {
      const params = checkParams(pathParams(req));
      const query = checkQuery(queryOf(req));
      send(res, await route.handle({ params, query, req }));
    };
    if (route.method === 'GET') server.get(restifyPath(route.path), handler);
    else if (route.method === 'DELETE') server.del(restifyPath(route.path), handler);
    else server.post(restifyPath(route.path), handler);
  }
}
