import OpenAI, { type ClientOptions } from 'openai';

/**
 * The openai SDK's client as the detector builds it (with an API key and the keep-alive fetch), less
 * three pieces of per-request work that a detection never needs. Everything else, from
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
