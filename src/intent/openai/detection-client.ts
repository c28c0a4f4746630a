import OpenAI, { type ClientOptions } from 'openai';

type BuildRequestOptions = Parameters<OpenAI['buildRequest']>[0];
type BuiltRequest = Awaited<ReturnType<OpenAI['buildRequest']>>;

/**
 * The request options of a detection (`chat.completions.create(body, { signal, timeout, maxRetries })`
 * as the SDK hands them to buildRequest). A request with any other option (headers, query,
 * idempotency key, per-request fetch options, ...) is built by the SDK itself.
 */
const PLAIN_REQUEST_KEYS: ReadonlySet<string> = new Set([
  'method',
  'path',
  'body',
  'signal',
  'timeout',
  'maxRetries',
  'stream',
  '__security',
]);
const SECURITY_KEYS: ReadonlySet<string> = new Set(['bearerAuth', 'adminAPIKeyAuth']);

/** The auth schemes of a request as a cache key part ("b" by default, as the SDK does); undefined for any other shape. */
function schemesOf(security: BuildRequestOptions['__security']): string | undefined {
  if (security === undefined) return 'b';
  if (!isPlainObject(security) || !Object.keys(security).every((key) => SECURITY_KEYS.has(key))) return undefined;
  return `${security.bearerAuth === true ? 'b' : ''}${security.adminAPIKeyAuth === true ? 'a' : ''}`;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The openai SDK's client as the detector builds it (with an API key and the keep-alive fetch), less
 * four pieces of per-request work that a detection never needs. Everything else, from
 * `chat.completions.create` to the headers, the errors and the parsed answer, is the SDK's own.
 *
 * - `fetchWithTimeout`: the SDK wraps every request in an AbortController of its own, a listener on
 *   the caller's signal and a timer of `timeout` ms. The detector always passes a signal that aborts
 *   at its deadline (the request's `timeout` is that same remaining budget), so the wrapping only
 *   duplicates it: here the request goes to the fetch with the caller's signal as it is. Without a
 *   signal (never from the detector) the SDK's own wrapping still applies.
 * - `authHeaders`: the SDK builds the same `Authorization` header (two header sets, through
 *   generators and async calls) for every request; here it is built once per API key and scheme set
 *   and handed out again (the SDK only reads it, merging it into each request's own headers).
 * - `buildURL`: the SDK parses and re-serialises the same base URL + path for every request; a path
 *   without a query always gives the same URL, so it is remembered per path.
 * - `buildRequest`: for a detection's request (a JSON object body and only the options a detection
 *   sets), the SDK merged the same ~13 headers from six sources through generators into a new
 *   `Headers` for every request, and encoded the body through a second `Headers` of its own; the
 *   headers differ only by the retry count and the timeout in whole seconds. The first request of
 *   each such pair is built by the SDK, and its headers are handed out again to the next ones, as
 *   long as the key, organization, project and base URL are the ones they were built with (nothing
 *   downstream writes to a request's headers: the SDK, its log formatting and the keep-alive fetch
 *   only read them). The body is `JSON.stringify`, as the SDK's encoder does for such a body.
 */
export class DetectionClient extends OpenAI {
  static {
    // The SDK's User-Agent is `${constructor.name}/JS <version>`: the server sees the same one as from OpenAI itself.
    Object.defineProperty(this, 'name', { value: OpenAI.name });
  }

  private readonly transport: typeof fetch;
  private readonly urls = new Map<string, string>();
  private urlsBase = '';
  private readonly auth = new Map<
    string,
    { apiKey: string | null; adminAPIKey: string | null; headers: ReturnType<OpenAI['authHeaders']> }
  >();

  /** Headers the SDK built, by retry count and timeout in seconds, for `headersOwner` (see buildRequest). */
  private readonly headerSets = new Map<string, Headers>();
  private headersOwner: Pick<OpenAI, 'apiKey' | 'adminAPIKey' | 'organization' | 'project' | 'baseURL'> = {
    apiKey: null,
    adminAPIKey: null,
    organization: null,
    project: null,
    baseURL: '',
  };

  constructor(options: ClientOptions & { fetch: typeof fetch }) {
    super(options);
    this.transport = options.fetch;
  }

  override fetchWithTimeout(...args: Parameters<OpenAI['fetchWithTimeout']>): Promise<Response> {
    const [url, init] = args;
    if (init?.signal === undefined || init.signal === null) return super.fetchWithTimeout(...args);
    // The SDK's wrapper also upper-cases the method ('post'): fetch normalises it, the keep-alive one too.
    return this.transport.call(undefined, url, init);
  }

  protected override authHeaders(
    options: Parameters<OpenAI['buildRequest']>[0],
    schemes?: { bearerAuth?: boolean; adminAPIKeyAuth?: boolean },
  ): ReturnType<OpenAI['authHeaders']> {
    const key = `${schemes?.bearerAuth === true ? 'b' : ''}${schemes?.adminAPIKeyAuth === true ? 'a' : ''}`;
    const cached = this.auth.get(key);
    if (cached !== undefined && cached.apiKey === this.apiKey && cached.adminAPIKey === this.adminAPIKey) return cached.headers;
    const headers = super.authHeaders(options, schemes);
    this.auth.set(key, { apiKey: this.apiKey, adminAPIKey: this.adminAPIKey, headers });
    // A failure is not remembered: the next request asks again.
    headers.catch(() => this.auth.delete(key));
    return headers;
  }

  override async buildRequest(options: BuildRequestOptions, extra?: { retryCount?: number }): Promise<BuiltRequest> {
    const { method, path, body, signal, timeout: requested } = options;
    const schemes = schemesOf(options.__security);
    const plain =
      schemes !== undefined &&
      isPlainObject(body) &&
      (requested === undefined || (Number.isInteger(requested) && requested > 0)) &&
      this.idempotencyHeader === undefined &&
      this.fetchOptions === undefined &&
      Object.keys(options).every((key) => PLAIN_REQUEST_KEYS.has(key));
    if (!plain) return super.buildRequest(options, extra);
    const timeout = requested ?? this.timeout;
    const owner = this.headersOwner;
    if (
      owner.apiKey !== this.apiKey ||
      owner.adminAPIKey !== this.adminAPIKey ||
      owner.organization !== this.organization ||
      owner.project !== this.project ||
      owner.baseURL !== this.baseURL
    ) {
      this.headerSets.clear();
      this.headersOwner = {
        apiKey: this.apiKey,
        adminAPIKey: this.adminAPIKey,
        organization: this.organization,
        project: this.project,
        baseURL: this.baseURL,
      };
    }
    // The SDK writes the timeout header only for a timeout given with the request (not its default).
    const key = `${schemes}:${extra?.retryCount ?? 0}:${requested === undefined ? '' : Math.trunc(requested / 1000)}`;
    const headers = this.headerSets.get(key);
    if (headers === undefined) {
      const built = await super.buildRequest(options, extra);
      if (built.req.headers instanceof Headers) this.headerSets.set(key, built.req.headers);
      return built;
    }
    const req: BuiltRequest['req'] = { method, headers, body: JSON.stringify(body) };
    if (signal !== undefined && signal !== null) req.signal = signal;
    return { req, url: this.buildURL(path, undefined), timeout };
  }

  override buildURL(...args: Parameters<OpenAI['buildURL']>): string {
    const [path, query, defaultBaseURL] = args;
    if ((query !== undefined && query !== null) || defaultBaseURL !== undefined) return super.buildURL(...args);
    if (this.urlsBase !== this.baseURL) {
      this.urls.clear();
      this.urlsBase = this.baseURL;
    }
    let url = this.urls.get(path);
    if (url === undefined) {
      url = super.buildURL(...args);
      this.urls.set(path, url);
    }
    return url;
  }
}
