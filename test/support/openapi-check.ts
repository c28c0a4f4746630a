import { ERROR_CATALOGUE } from '../../src/errors';
import { isDocsPath } from '../../src/transport/http/docs-page';
import { isWebPath } from '../../src/transport/http/web-controller';
import { SECURITY_HEADERS } from '../../src/transport/security-headers';
import { SchemaSet } from './json-schemas';

/** One HTTP exchange as a test saw it. */
export interface Exchange {
  method: string;
  /** The path as sent, query included. */
  target: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (decoded from gzip where the client did). */
  text: string;
}

type Json = Record<string, unknown>;
export interface Operation {
  operationId: string;
  responses: Record<string, Json>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const STATUS_OF = new Map(ERROR_CATALOGUE.map((d) => [d.code, d.status]));
/** Answers any path can get, listed or not (the document's introduction says so). */
const ANY_PATH_ERRORS = new Set(['not_found', 'method_not_allowed', 'unauthorized', 'invalid_url', 'bad_request', 'headers_too_large']);

const header = (headers: Exchange['headers'], name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * The path as the router sees it: dot segments resolved, percent-encoding decoded where it is valid,
 * no trailing slash (the server ignores one), no query.
 */
function routedPath(target: string): string {
  const segments = new URL(target.split('?')[0] ?? '/', 'http://host').pathname.split('/').map((segment) => {
    try {
      // Decoded one segment at a time: an encoded "/" stays inside its segment (a parameter's value).
      return decodeURIComponent(segment).replaceAll('/', '%2F');
    } catch {
      return segment; // bad percent-encoding: answered with 400 invalid_url whatever the path
    }
  });
  const path = segments.join('/');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

const isJsonMedia = (type: string): boolean => /^application\/(?:[\w.+-]+\+)?json$/.test(type);

/**
 * Checks HTTP answers against the OpenAPI document the server serves: the status is one the
 * operation declares; the content type is one declared for that status (or there is no body when
 * none is); the body is valid against its schema (error codes included: each status lists the codes
 * the route can answer with); declared headers that are always sent are there and valid; and the
 * security headers are on every answer. Paths the document does not list may only answer in the
 * error shape with the errors any path can get; the web page and /docs are checked by their own tests.
 */
export class OpenApiCheck {
  private readonly schemas: SchemaSet;
  private readonly templates: Array<{ path: string; pattern: RegExp }>;

  constructor(private readonly doc: OpenApi) {
    this.schemas = new SchemaSet(doc.components.schemas, '2020-12');
    this.templates = Object.keys(doc.paths).map((path) => ({
      path,
      // A parameter may be empty: the router matches `/api/flows//` to `{version}` = "" (then 400).
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]*')}$`),
    }));
  }

  /** The operation a request goes to, if the document lists it. */
  operationFor(method: string, target: string): Operation | undefined {
    const template = this.templateFor(routedPath(target));
    return template ? this.doc.paths[template]?.[method.toLowerCase()] : undefined;
  }

  private templateFor(path: string): string | undefined {
    return this.templates.find((t) => t.pattern.test(path))?.path;
  }

  /** Every way the exchange breaks the description; empty when it is allowed. */
  problems(exchange: Exchange): string[] {
    const path = routedPath(exchange.target);
    const where = `${exchange.method} ${exchange.target} → ${exchange.status}`;
    const page = isWebPath(path) || isDocsPath(path);
    const problems = OpenApiCheck.securityHeaderProblems(exchange.headers, page).map((p) => `${where}: ${p}`);
    // A CORS preflight is answered before any route, with no body.
    if (exchange.method === 'OPTIONS' && exchange.status === 204 && header(exchange.headers, 'access-control-allow-origin'))
      return problems;
    if (page) return problems;
    const template = this.templateFor(path);
    const method = exchange.method === 'HEAD' ? 'get' : exchange.method.toLowerCase();
    const operation = template ? this.doc.paths[template]?.[method] : undefined;
    const found = operation ? this.operationProblems(operation, exchange) : this.unlistedProblems(exchange, template !== undefined);
    return [...problems, ...found.map((p) => `${where}${operation ? ` (${operation.operationId})` : ''}: ${p}`)];
  }

  /** The security headers every answer carries; pages have a CSP and caching of their own. */
  static securityHeaderProblems(headers: Exchange['headers'], page: boolean): string[] {
    const problems: string[] = [];
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      const got = header(headers, name);
      if (page && (name === 'Content-Security-Policy' || name === 'Cache-Control')) continue;
      if (got !== value) problems.push(`header ${name} is ${JSON.stringify(got)}, not ${JSON.stringify(value)}`);
    }
    return problems;
  }

  private operationProblems(operation: Operation, exchange: Exchange): string[] {
    const response = operation.responses[String(exchange.status)] ?? operation.responses.default;
    if (!response) return [`status ${exchange.status} is not one the operation declares (${Object.keys(operation.responses).join(', ')})`];
    const problems: string[] = [];
    const headers = (response.headers ?? {}) as Record<string, { required?: boolean; schema?: unknown }>;
    for (const [name, spec] of Object.entries(headers)) {
      const value = header(exchange.headers, name);
      if (value === undefined) {
        if (spec.required) problems.push(`header ${name} is missing`);
        continue;
      }
      problems.push(...this.schemas.problems(spec.schema ?? {}, value).map((p) => `header ${name}: ${p}`));
    }
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    if (exchange.method === 'HEAD') return problems;
    if (!content) {
      if (exchange.text !== '') problems.push(`the answer has a body where the description declares none`);
      return problems;
    }
    const type = (header(exchange.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const media = content[type];
    if (!media) return [...problems, `content type ${JSON.stringify(type)} is not one declared (${Object.keys(content).join(', ')})`];
    let body: unknown = exchange.text;
    if (isJsonMedia(type)) {
      try {
        body = JSON.parse(exchange.text);
      } catch {
        return [...problems, `the ${type} body is not JSON: ${exchange.text.slice(0, 200)}`];
      }
    }
    problems.push(...this.schemas.problems(media.schema ?? {}, body).map((p) => `body ${p}`));
    return problems;
  }

  /** A path the document does not list, or a listed one with another method: errors any path can get. */
  private unlistedProblems(exchange: Exchange, pathListed: boolean): string[] {
    let body: unknown;
    try {
      body = JSON.parse(exchange.text);
    } catch {
      return [`an answer on an unlisted path or method must be a JSON error, got ${JSON.stringify(exchange.text.slice(0, 200))}`];
    }
    const problems = this.schemas.problems({ $ref: '#/components/schemas/Error' }, body);
    const code = (body as { code?: unknown }).code;
    if (typeof code !== 'string' || !ANY_PATH_ERRORS.has(code))
      problems.push(`code ${JSON.stringify(code)} is not an answer for an unlisted path`);
    else if (STATUS_OF.get(code) !== exchange.status) problems.push(`code ${code} comes with status ${STATUS_OF.get(code)}`);
    if (code === 'not_found' && pathListed) problems.push('a listed path with another method answers 405, not 404');
    return problems;
  }
}
