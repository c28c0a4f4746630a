import { request } from 'node:http';
import { AsyncApiCheck } from './asyncapi-check';
import { type Exchange, OpenApiCheck } from './openapi-check';
import { recordViolation } from './description-violations';

/**
 * The API descriptions of a server under test, fetched from the server itself once per origin: the
 * answers and frames of a server are checked against what that server says of itself (its limits
 * are in its documents). Fetched with node:http, not through the checked helpers.
 */
const openapi = new Map<string, Promise<OpenApiCheck>>();
const asyncapi = new Map<string, Promise<AsyncApiCheck>>();

function getJson(origin: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request(`${origin}${path}`, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`GET ${origin}${path} answered ${res.statusCode}: ${text.slice(0, 200)}`));
        else resolve(JSON.parse(text));
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const httpOrigin = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.protocol === 'wss:' ? 'https:' : parsed.protocol === 'ws:' ? 'http:' : parsed.protocol}//${parsed.host}`;
};

/** One check per origin, kept; a failed fetch (a server not up yet, or gone) is not kept. */
function cached<T>(cache: Map<string, Promise<T>>, url: string, path: string, make: (doc: never) => T): Promise<T> {
  const origin = httpOrigin(url);
  let check = cache.get(origin);
  if (!check) {
    check = getJson(origin, path).then((doc) => make(doc as never));
    check.catch(() => cache.delete(origin));
    cache.set(origin, check);
  }
  return check;
}

export const openApiCheckFor = (url: string): Promise<OpenApiCheck> =>
  cached(openapi, url, '/api/openapi.json', (doc) => new OpenApiCheck(doc));

export const asyncApiCheckFor = (url: string): Promise<AsyncApiCheck> =>
  cached(asyncapi, url, '/api/asyncapi.json', (doc) => new AsyncApiCheck(doc));

/** Forgets the documents of a server that stops (another may get its port, with other settings). */
export function forgetDescriptions(url: string): void {
  openapi.delete(httpOrigin(url));
  asyncapi.delete(httpOrigin(url));
}

/** Checks one exchange; the problems fail the running test (thrown here, and recorded for its end). */
export async function checkExchange(url: string, exchange: Exchange): Promise<void> {
  const problems = (await openApiCheckFor(url)).problems(exchange);
  if (!problems.length) return;
  for (const problem of problems) recordViolation(problem);
  throw new Error(`the answer is not allowed by the OpenAPI document:\n- ${problems.join('\n- ')}`);
}
