import type { HttpAnswer, HttpRequest, HttpRequester } from '../runtime/http-requester';
import type { HttpMock } from './test-document';
import { textMatches } from './text-match';

/** A call the mocks could not answer as the test wrote it: the runner fails the test at the step that made it. */
export interface MockProblem {
  expected: string;
  actual: string;
}

/** `1st`, `2nd`, `3rd`, `4th`: which call of a block, in words. */
function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/**
 * The answer's body as bytes: any JSON value is sent as JSON; a string goes as it is when the mock's
 * content-type is not JSON, so a test can send text that is not JSON (and reach `invalid_json`).
 */
function bodyText(mock: Extract<HttpMock, { status: number }>): string {
  if (mock.body === undefined) return '';
  const type = Object.entries(mock.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (typeof mock.body === 'string' && type !== undefined && !/\bjson\b/i.test(type)) return mock.body;
  return JSON.stringify(mock.body);
}

/**
 * The HttpRequester of a conversation test: each call of an http block takes the next mock the test
 * gives for that block id, so a test never touches the network. A call without a mock, or one whose
 * method or URL is not the one the mock names, is a problem the runner reports as the test's failure;
 * the flow meanwhile sees a `network` failure (it has to go somewhere until the runner stops it).
 */
export class MockedHttp implements HttpRequester {
  private readonly calls = new Map<string, number>();
  private problem: MockProblem | undefined;

  constructor(private readonly mocks: Readonly<Record<string, readonly HttpMock[]>>) {}

  request(request: HttpRequest): Promise<HttpAnswer> {
    const id = request.blockId;
    const n = (this.calls.get(id) ?? 0) + 1;
    this.calls.set(id, n);
    const given = Object.hasOwn(this.mocks, id) ? (this.mocks[id] ?? []) : [];
    const mock = given[n - 1];
    const call = `${request.method} ${request.url}`;
    if (mock === undefined) {
      const have = given.length === 0 ? 'no mock for this block' : `only ${given.length} mock(s) for this block`;
      return this.refuse(
        `a mock for the ${ordinal(n)} call of http block "${id}"`,
        `it called ${call}, and mocks.http has ${have} (tests never call the network)`,
      );
    }
    if (mock.method !== undefined && mock.method !== request.method) {
      return this.refuse(`the ${ordinal(n)} call of http block "${id}" to use ${mock.method}`, `it called ${call}`);
    }
    if (mock.url !== undefined && !textMatches(mock.url, request.url)) {
      return this.refuse(`the ${ordinal(n)} call of http block "${id}" to go to ${JSON.stringify(mock.url)}`, `it called ${call}`);
    }
    if ('error' in mock) return Promise.resolve({ ok: false, error: mock.error, detail: `mocked: ${mock.error}` });
    return Promise.resolve({ ok: true, status: mock.status, body: bodyText(mock) });
  }

  /** The first call the mocks could not answer as written, if any. */
  firstProblem(): MockProblem | undefined {
    return this.problem;
  }

  /** The first block whose mocks were not all used: a test that gives an answer no call took tests less than it says. */
  unused(): MockProblem | undefined {
    for (const [id, given] of Object.entries(this.mocks)) {
      const made = this.calls.get(id) ?? 0;
      if (made < given.length) {
        return {
          expected: `${given.length} call(s) of http block "${id}" (one per mock)`,
          actual: made === 0 ? 'it was never called' : `it was called ${made} time(s)`,
        };
      }
    }
    return undefined;
  }

  private refuse(expected: string, actual: string): Promise<HttpAnswer> {
    this.problem ??= { expected, actual };
    return Promise.resolve({ ok: false, error: 'network', detail: 'no mock answers this call: tests never call the network' });
  }
}
