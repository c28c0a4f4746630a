import OpenAI from 'openai';
import { DetectionClient } from '../../../src/intent/openai/detection-client';

const completion = {
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content: '{"intent":"none"}', refusal: null }, logprobs: null, finish_reason: 'stop' },
  ],
};

interface Seen {
  url: string;
  method: string | undefined;
  signal: AbortSignal | null | undefined;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records what the SDK hands it and answers a completion. */
function recordingFetch(): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = (input: string, init?: RequestInit & { body?: string }): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    seen.push({ url: input, method: init?.method, signal: init?.signal, headers, body: JSON.parse(init?.body ?? 'null') as unknown });
    return Promise.resolve(new Response(JSON.stringify(completion), { status: 200, headers: { 'content-type': 'application/json' } }));
  };
  return { fetch: fake as unknown as typeof fetch, seen };
}

const body = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('DetectionClient', () => {
  it('sends what the SDK sends, with the caller signal handed to the fetch as it is', async () => {
    const mine = recordingFetch();
    const sdk = recordingFetch();
    const client = new DetectionClient({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: mine.fetch });
    const reference = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: sdk.fetch });
    const signal = new AbortController().signal;
    for (let i = 0; i < 2; i += 1) {
      expect(await client.chat.completions.create(body, { signal, timeout: 1000 })).toMatchObject(completion);
      await reference.chat.completions.create(body, { signal, timeout: 1000 });
    }
    expect(mine.seen).toHaveLength(2);
    for (const [i, request] of mine.seen.entries()) {
      const expected = sdk.seen[i] as Seen;
      // fetch normalises the method's case itself (the keep-alive fetch too).
      expect({ ...request, method: request.method?.toUpperCase(), signal: undefined }).toEqual({ ...expected, signal: undefined });
      // The SDK's own wrapper would hand over a signal of its own AbortController instead.
      expect(request.signal).toBe(signal);
      expect(expected.signal).not.toBe(signal);
      expect(request.headers['authorization']).toBe('Bearer k');
    }
  });

  it('sends what the SDK sends for every timeout, auth scheme and organization, reusing only equal header sets', async () => {
    const mine = recordingFetch();
    const sdk = recordingFetch();
    const client = new DetectionClient({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: mine.fetch });
    const reference = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: sdk.fetch });
    const signal = new AbortController().signal;
    const requests: Array<{ timeout?: number; organization?: string; headers?: Record<string, string>; adminKey?: boolean }> = [
      { timeout: 1000 },
      { timeout: 2500 },
      { timeout: 1999 },
      {},
      { timeout: 600_000 },
      { timeout: 1000, organization: 'org-1' },
      { timeout: 1000, headers: { 'x-extra': 'yes' } },
      { timeout: 1000 },
    ];
    for (const { timeout, organization, headers } of requests) {
      client.organization = organization ?? null;
      reference.organization = organization ?? null;
      const options = { signal, ...(timeout === undefined ? {} : { timeout }), ...(headers === undefined ? {} : { headers }) };
      await client.chat.completions.create(body, options);
      await reference.chat.completions.create(body, options);
    }
    expect(mine.seen.map((r) => r.headers['x-stainless-timeout'])).toEqual(['1', '2', '1', undefined, '600', '1', '1', '1']);
    expect(mine.seen.map((r) => r.headers['openai-organization'])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'org-1',
      undefined,
      undefined,
    ]);
    expect(mine.seen[6]?.headers['x-extra']).toBe('yes');
    expect(mine.seen[7]?.headers['x-extra']).toBeUndefined();
    for (const [i, request] of mine.seen.entries()) {
      expect({ ...request, method: request.method?.toUpperCase(), signal: undefined }).toEqual({ ...sdk.seen[i], signal: undefined });
    }
  });

  it('builds the authorization header again when the key changes', async () => {
    const mine = recordingFetch();
    const client = new DetectionClient({ apiKey: 'k1', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: mine.fetch });
    const signal = new AbortController().signal;
    await client.chat.completions.create(body, { signal });
    client.apiKey = 'k2';
    await client.chat.completions.create(body, { signal });
    expect(mine.seen.map((r) => r.headers['authorization'])).toEqual(['Bearer k1', 'Bearer k2']);
  });

  it('keeps the SDK timeout for a request without a signal', async () => {
    const signals: AbortSignal[] = [];
    const never = ((_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        if (init?.signal) signals.push(init.signal);
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      })) as typeof fetch;
    const client = new DetectionClient({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: never });
    await expect(client.chat.completions.create(body, { timeout: 20 })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(signals.map((s) => s.aborted)).toEqual([true]);
  });
});
