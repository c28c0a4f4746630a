import { DEFAULT_HTTP_TIMEOUT_MS } from '../flow/limits';
import { parseTemplate, renderTemplate, type SecretResolver, scalarText, variableValue, type Variables } from '../flow/template';
import type { HttpBlock, HttpMethod, JsonValue, Scalar } from '../flow/types';
import { removeControlCharacters } from '../util/control-characters';
import { valueAtPointer } from '../util/json-pointer';
import type { HttpErrorCode, HttpRequest, HttpRequester } from './http-requester';

/** What the history shows of a secret: the URL, an error message, a saved value never hold the value itself. */
export const SECRET_MASK = '***';

/** `save` reads the status code, not the answer, at this name. */
const STATUS_POINTER = '$status';

export interface HttpCallSettings {
  requester: HttpRequester;
  /** `{{secret.NAME}}` values; without it secrets render as "". */
  secrets?: SecretResolver;
  /** HTTP_MAX_TIMEOUT_MS: a block's `timeoutMs` above it is cut down to it. */
  maxTimeoutMs: number;
  /** Told of every call that ended (for /health's counts of outbound failures). */
  onCall?: (call: HttpCallOutput) => void;
}

/** What the `callHttp` actor resolves with: the outcome, and what the history records of it. */
export interface HttpCallOutput {
  ok: boolean;
  method: HttpMethod;
  /** The URL with every secret replaced by `***`. */
  url: string;
  status?: number;
  error?: HttpErrorCode;
  /** Why it failed, in words, secrets masked. */
  detail?: string;
  latencyMs: number;
  /** The variables to set; null: leave unset (a pointer that found nothing, or no scalar). */
  saved: Record<string, Scalar | null>;
}

/** The secret values one request uses, to mask them wherever text about the call goes. */
export class SecretsUsed {
  private readonly values = new Set<string>();

  constructor(private readonly resolve: SecretResolver | undefined) {}

  read(name: string): string | undefined {
    const value = this.resolve?.(name);
    if (value) this.values.add(value);
    return value;
  }

  /** `text` with every secret used (and its percent-encoded form) replaced by `***`. */
  mask(text: string): string {
    let masked = text;
    for (const value of this.values) {
      masked = masked.split(value).join(SECRET_MASK);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) masked = masked.split(encoded).join(SECRET_MASK);
    }
    return masked;
  }
}

/**
 * A placeholder's value as it goes into a URL: percent-encoded as a URI component, dots included, so
 * user text stays inside its own path segment or query value (`../admin?x=1#` cannot climb, add a
 * query or cut the URL), and a value of `..` is not a dot segment either.
 */
function urlValue(text: string): string {
  return encodeURIComponent(text.toWellFormed()).replace(/\./g, '%2E');
}

/** Characters a flow author may write in a URL literally (a space) that a request line cannot carry. */
function literalUrlText(text: string): string {
  return text.toWellFormed().replace(/[^\x21-\x7e]|["<>\\^`{|}]/gu, (c) => encodeURIComponent(c));
}

/** The URL of a call, and the same with secrets masked (`***`, not encoded, so a reader sees it). */
function renderUrl(template: string, variables: Variables, secrets: SecretsUsed): { url: string; masked: string } {
  let url = '';
  let masked = '';
  for (const part of parseTemplate(template).parts) {
    if (part.kind === 'text') {
      url += literalUrlText(part.text);
      masked += literalUrlText(part.text);
      continue;
    }
    const raw = part.scope === 'secret' ? secrets.read(part.name) : variableValue(variables, part.name);
    const text = raw === undefined ? '' : scalarText(raw);
    const shown = text === '' && part.fallback !== undefined ? part.fallback : text;
    url += urlValue(shown);
    masked += part.scope === 'secret' && text !== '' ? SECRET_MASK : urlValue(shown);
  }
  return { url, masked };
}

/** A header value as rendered, without the line breaks and controls that could start another header. */
function headerValue(text: string): string {
  return removeControlCharacters(text).replace(/[\n\t]/g, ' ');
}

function renderBody(value: JsonValue, variables: Variables, secrets: SecretsUsed): JsonValue {
  if (typeof value === 'string') return renderTemplate(value, variables, (name) => secrets.read(name));
  if (Array.isArray(value)) return value.map((item) => renderBody(item, variables, secrets));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties: an assignment would drop a `__proto__` key the flow wrote.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderBody(item, variables, secrets)]));
  }
  return value;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** The request an http block sends with these variables, and what the history may show of it. */
export function buildRequest(
  block: HttpBlock,
  variables: Variables,
  settings: Pick<HttpCallSettings, 'secrets' | 'maxTimeoutMs'>,
  signal: AbortSignal,
): { request: HttpRequest; maskedUrl: string; secrets: SecretsUsed } {
  const secrets = new SecretsUsed(settings.secrets);
  const { url, masked } = renderUrl(block.url, variables, secrets);
  // As in renderBody: own properties, so that no header name is lost to an inherited setter.
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(block.headers ?? {}).map(([name, value]) => [
      name,
      headerValue(renderTemplate(value, variables, (secret) => secrets.read(secret))),
    ]),
  );
  if (!hasHeader(headers, 'accept')) headers.accept = 'application/json';
  const request: HttpRequest = {
    blockId: block.id,
    method: block.method,
    url,
    headers,
    timeoutMs: Math.min(block.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS, settings.maxTimeoutMs),
    signal,
  };
  if (block.body !== undefined && block.method !== 'GET') {
    request.body = JSON.stringify(renderBody(block.body, variables, secrets));
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  }
  return { request, maskedUrl: masked, secrets };
}

/** A value from the answer as a variable holds it: scalars only, secrets masked; anything else is "unset". */
function savedValue(value: unknown, secrets: SecretsUsed): Scalar | null {
  // Text from another service is outside input like a user's message: neutralised the same way, so
  // that what a reply shows is what the history stores (PostgreSQL cannot store NUL at all).
  if (typeof value === 'string') return secrets.mask(removeControlCharacters(value.toWellFormed()));
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}

/** `save` applied to a 2xx answer; `invalid_json` when a pointer has to read a body that is not JSON. */
function saveFrom(
  block: HttpBlock,
  status: number,
  body: string,
  secrets: SecretsUsed,
): { saved: Record<string, Scalar | null> } | { invalid: string } {
  const save = Object.entries(block.save ?? {});
  let document: unknown;
  if (save.some(([, pointer]) => pointer !== STATUS_POINTER) && body.trim() !== '') {
    try {
      document = JSON.parse(body) as unknown;
    } catch (err) {
      return { invalid: `the answer is not JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  const saved: Record<string, Scalar | null> = {};
  for (const [name, pointer] of save) {
    saved[name] = pointer === STATUS_POINTER ? status : savedValue(valueAtPointer(document, pointer), secrets);
  }
  return { saved };
}

/** Runs one http block's call and says how it went; never rejects for a failed call. */
export async function callHttp(
  block: HttpBlock,
  variables: Variables,
  settings: HttpCallSettings,
  signal: AbortSignal,
  monotonic: () => number,
): Promise<HttpCallOutput> {
  const { request, maskedUrl, secrets } = buildRequest(block, variables, settings, signal);
  const started = monotonic();
  const answer = await settings.requester.request(request);
  const base = { method: block.method, url: maskedUrl, latencyMs: Math.round(monotonic() - started) };
  let output: HttpCallOutput;
  if (!answer.ok) {
    output = {
      ...base,
      ok: false,
      error: answer.error,
      detail: secrets.mask(answer.detail),
      ...(answer.status !== undefined ? { status: answer.status } : {}),
      saved: {},
    };
  } else if (answer.status < 200 || answer.status > 299) {
    const detail =
      answer.status >= 300 && answer.status < 400
        ? `the service answered ${answer.status} (redirects are not followed)`
        : `the service answered ${answer.status}`;
    output = { ...base, ok: false, error: 'status', status: answer.status, detail, saved: {} };
  } else {
    const result = saveFrom(block, answer.status, answer.body, secrets);
    output =
      'invalid' in result
        ? { ...base, ok: false, error: 'invalid_json', status: answer.status, detail: secrets.mask(result.invalid), saved: {} }
        : { ...base, ok: true, status: answer.status, saved: result.saved };
  }
  settings.onCall?.(output);
  return output;
}
