/**
 * The README's REST walkthrough, run by a client generated from /api/openapi.json by standard tools:
 * openapi-typescript types (test/support/generated/flowbot-api.ts, checked here to be what the
 * generator makes of the served document) and openapi-fetch. Every answer goes through checkedFetch,
 * so it is also checked against the document.
 *
 * `UPDATE_API_DESCRIPTIONS=1 npx jest test/integration/api-walkthrough.test.ts` rewrites the generated
 * types and the examples of the descriptions (src/transport/http/descriptions/examples.json) from
 * the answers and frames of this run; every run checks that the recorded examples are still valid.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import createClient from 'openapi-fetch';
import type { RecordedExamples } from '../../src/transport/http/descriptions/examples';
import type { Json } from '../../src/transport/http/descriptions/json-schema';
import { openApiCheckFor } from '../support/descriptions';
import { DEFAULT_FLOW_PATH } from '../support/flows';
import type { components, paths } from '../support/generated/flowbot-api';
import { checkedFetch } from '../support/http-client';
import { SchemaSet } from '../support/json-schemas';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient, type Frame } from '../support/ws-client';

const ROOT = join(__dirname, '..', '..');
const TYPES_PATH = join(ROOT, 'test', 'support', 'generated', 'flowbot-api.ts');
const EXAMPLES_PATH = join(ROOT, 'src', 'transport', 'http', 'descriptions', 'examples.json');
const UPDATE = process.env.UPDATE_API_DESCRIPTIONS === '1';
const TOKEN = 'walkthrough-token';

/** Operations whose answers are not worth an example (the documents themselves). */
const NO_EXAMPLES = new Set(['getOpenApiDocument', 'getAsyncApiDocument', 'getFlowSchema']);

let server: TestServer;
const recorded: RecordedExamples = { openapi: {}, asyncapi: {} };

/** openapi-fetch's transport: checkedFetch (the answer is checked), and each answer recorded as an example. */
async function transport(request: Request): Promise<Response> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
  const res = await checkedFetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(body !== undefined ? { body } : {}),
  });
  const url = new URL(request.url);
  const operation = (await openApiCheckFor(request.url)).operationFor(request.method, url.pathname);
  if (operation && !NO_EXAMPLES.has(operation.operationId)) {
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = await res.clone().text();
    const byStatus = (recorded.openapi[operation.operationId] ??= {});
    if (text !== '' && type) (byStatus[String(res.status)] ??= {})[type] ??= type.endsWith('json') ? (JSON.parse(text) as Json) : text;
    // The shortest body that worked is the request example: it reads best in the reference.
    const request = (byStatus.request ??= {});
    if (
      body &&
      res.status < 300 &&
      (request['application/json'] === undefined || JSON.stringify(request['application/json']).length > body.length)
    ) {
      request['application/json'] = JSON.parse(body) as Json;
    }
  }
  return res;
}

function recordFrames(frames: Frame[], sent: Frame[]): void {
  const name = (frame: Frame): string => (frame.type === 'message' ? 'botMessage' : frame.type);
  const add = (key: string, frame: Frame): void => {
    const list = (recorded.asyncapi[key] ??= []);
    if (list.length < 3 && !list.some((f) => JSON.stringify(f) === JSON.stringify(frame))) list.push(frame as unknown as Json);
  };
  for (const frame of frames) add(name(frame), frame);
  for (const frame of sent) add('userMessage', frame);
}

beforeAll(async () => {
  server = await startTestServer({ env: { API_TOKEN: TOKEN } });
});
afterAll(async () => {
  await server.close(true);
  if (UPDATE) writeFileSync(EXAMPLES_PATH, `${JSON.stringify(recorded, null, 2)}\n`);
});

const client = () => createClient<paths>({ baseUrl: server.url, fetch: transport, headers: { Authorization: `Bearer ${TOKEN}` } });

describe('a client generated from /api/openapi.json', () => {
  it('is what openapi-typescript makes of the served document today', async () => {
    // The generator's own command line, as the README runs it, on the URL of the running server.
    const dir = mkdtempSync(join(tmpdir(), 'flowbot-types-'));
    try {
      const out = join(dir, 'flowbot-api.ts');
      const cli = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
      await promisify(execFile)(process.execPath, [cli, `${server.url}/api/openapi.json`, '-o', out], { timeout: 60000 });
      const generated = readFileSync(out, 'utf8');
      if (UPDATE) writeFileSync(TYPES_PATH, generated);
      expect(readFileSync(TYPES_PATH, 'utf8')).toBe(generated);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the README walkthrough', async () => {
    const api = client();
    // The token: without it 401, with it the list.
    const anonymous = createClient<paths>({ baseUrl: server.url, fetch: transport });
    const refused = await anonymous.GET('/api/flows');
    expect(refused.response.status).toBe(401);
    expect(refused.error).toMatchObject({ code: 'unauthorized' });
    expect((await api.GET('/api/flows')).data?.items).toEqual([
      { version: 1, name: 'Travel assistant', createdAt: expect.any(String), current: true },
    ]);

    const health = await api.GET('/health');
    expect(health.data).toMatchObject({
      status: 'ok',
      storage: 'sqlite',
      instance: 'web-1',
      database: 'ok',
      flowVersion: 1,
      intent: { provider: 'local' },
    });

    // A conversation first (examples/chat.js), so that the history has one.
    const chat = await ChatClient.connect(server.wsUrl);
    const sent: Frame[] = [];
    const say = async (text: string): Promise<string[]> => {
      sent.push({ type: 'message', text });
      return chat.ask(text);
    };
    const { conversationId } = await chat.next('conversation');
    await chat.until('waiting');
    expect(await say('will it rain tomorrow?')).toEqual(['It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?']);
    expect(await say('any cheap flights?')).toEqual(["This week's offer: Lisbon, 3 nights from 199 EUR. Anything else?"]);
    expect(await say('bye')).toEqual(['Happy to help. Bye!']);
    expect((await chat.closed).code).toBe(1000);
    const ended = await ChatClient.connect(`${server.wsUrl}?conversationId=${String(conversationId)}`);
    await ended.next('error');
    recordFrames([...chat.frames, ...ended.frames], sent);

    // Upload: the bundled file is byte for byte version 1, so it is answered unchanged; a new flow is version 2.
    const source = readFileSync(DEFAULT_FLOW_PATH, 'utf8');
    const flow = JSON.parse(source) as components['schemas']['Flow'];
    const same = await api.POST('/api/flows', { body: flow, bodySerializer: () => source });
    expect(same.response.status).toBe(200);
    expect(same.response.headers.get('location')).toBe('/api/flows/1');
    expect(same.data).toEqual({ version: 1, createdAt: expect.any(String), warnings: [], unchanged: true });
    const tiny: components['schemas']['Flow'] = {
      name: 'Tiny',
      start: 'hi',
      blocks: [
        { id: 'hi', type: 'message', text: 'Hello!', next: 'bye' },
        { id: 'bye', type: 'end' },
        { id: 'lost', type: 'end' },
      ],
    };
    const unreachable = [{ path: '/blocks/2', code: 'unreachable_block', message: 'block "lost" cannot be reached from the start' }];
    const uploaded = await api.POST('/api/flows', { body: tiny });
    expect(uploaded.response.status).toBe(201);
    expect(uploaded.response.headers.get('location')).toBe('/api/flows/2');
    expect(uploaded.data).toEqual({ version: 2, createdAt: expect.any(String), warnings: unreachable, unchanged: false });

    const broken = await api.POST('/api/flows', { body: flow, bodySerializer: () => '{"name":' });
    expect(broken.error).toEqual({ code: 'invalid_json', message: 'the body is not valid JSON: Unexpected end of JSON input' });
    const plain = await api.POST('/api/flows', { body: flow, bodySerializer: () => 'hello', headers: { 'Content-Type': 'text/plain' } });
    expect(plain.error).toEqual({ code: 'unsupported_media_type', message: 'the body must be JSON (Content-Type: application/json)' });
    const huge = await api.POST('/api/flows', { body: flow, bodySerializer: () => ' '.repeat(1100000) });
    expect(huge.error).toEqual({ code: 'payload_too_large', message: 'the body is larger than 1048576 bytes' });

    // Validate without storing.
    const valid = await api.POST('/api/flows/validate', { body: tiny });
    expect(valid.data).toEqual({ valid: true, warnings: unreachable });
    const invalid = await api.POST('/api/flows/validate', {
      body: tiny,
      bodySerializer: () =>
        '{"name":"Broken","start":"hi","blocks":[{"id":"hi","type":"message","text":"Hello!","next":"hi"},{"id":"ask","type":"wait","next":"nowhere","colour":"red"}]}',
    });
    expect(invalid.response.status).toBe(422);
    expect(invalid.error?.errors?.map((e) => e.code)).toEqual(['unknown_property', 'unknown_block', 'loop_without_wait']);

    // Read: the current version with its ETag, 304 with it, a version by number, one that does not exist.
    const current = await api.GET('/api/flows/{version}', { params: { path: { version: 'current' } }, parseAs: 'text' });
    expect(current.data).toBe(JSON.stringify(tiny));
    const etag = current.response.headers.get('etag') ?? '';
    expect(current.response.headers.get('x-flow-version')).toBe('2');
    const notModified = await api.GET('/api/flows/{version}', {
      params: { path: { version: 'current' }, header: { 'If-None-Match': etag } },
    });
    expect(notModified.response.status).toBe(304);
    expect((await api.GET('/api/flows/{version}', { params: { path: { version: 1 } } })).data?.name).toBe('Travel assistant');
    const missing = await api.GET('/api/flows/{version}', { params: { path: { version: 99 } } });
    expect(missing.error).toEqual({ code: 'not_found', message: 'flow version 99 not found' });

    // List, one page at a time.
    const first = await api.GET('/api/flows', { params: { query: { limit: 1 } } });
    expect(first.data?.items).toEqual([{ version: 2, name: 'Tiny', createdAt: expect.any(String), current: true }]);
    const cursor = first.data?.nextCursor ?? '';
    const second = await api.GET('/api/flows', { params: { query: { limit: 1, cursor } } });
    expect(second.data).toEqual({
      items: [{ version: 1, name: 'Travel assistant', createdAt: expect.any(String), current: false }],
      nextCursor: null,
    });

    // Roll back.
    const activated = await api.POST('/api/flows/{version}/activate', { params: { path: { version: 1 } } });
    expect(activated.data).toEqual({ version: 1, name: 'Travel assistant', createdAt: expect.any(String), current: true });

    // The compiled machine, in its three formats.
    const machine = await api.GET('/api/flows/{version}/machine', { params: { path: { version: 'current' } } });
    expect(machine.data).toMatchObject({ id: 'flow', initial: 'welcome' });
    const js = await api.GET('/api/flows/{version}/machine', {
      params: { path: { version: 'current' }, query: { format: 'js' } },
      parseAs: 'text',
    });
    expect(js.data).toContain("import { createMachine } from 'xstate';");
    const mermaid = await api.GET('/api/flows/{version}/machine', {
      params: { path: { version: 1 }, query: { format: 'mermaid' } },
      parseAs: 'text',
    });
    expect(mermaid.data).toMatch(/^stateDiagram-v2\n/);

    // The history.
    const conversations = await api.GET('/api/conversations', { params: { query: { limit: 1 } } });
    expect(conversations.data).toEqual({
      items: [expect.objectContaining({ id: conversationId, flowVersion: 1, status: 'completed', currentBlock: 'goodbye' })],
      nextCursor: null,
    });
    const tooMany = await api.GET('/api/conversations', { params: { query: { limit: 500 } } });
    expect(tooMany.error).toEqual({ code: 'invalid_parameter', message: 'limit must be a whole number from 1 to 100' });
    const one = await api.GET('/api/conversations/{id}', { params: { path: { id: String(conversationId) } } });
    expect(one.data?.messages.map((m) => [m.from, m.blockId])).toEqual([
      ['bot', 'welcome'],
      ['user', 'ask'],
      ['bot', 'weather'],
      ['user', 'ask'],
      ['bot', 'travel'],
      ['user', 'ask'],
      ['bot', 'goodbye'],
    ]);
    expect(one.data?.steps.at(-1)).toMatchObject({
      from: 'route',
      to: 'goodbye',
      event: 'intent.matched',
      intent: 'bye',
      provider: 'local',
    });

    // The descriptions, without the token.
    expect((await anonymous.GET('/api/openapi.json')).data).toMatchObject({ openapi: '3.1.0' });
    expect((await anonymous.GET('/api/asyncapi.json')).data).toMatchObject({ asyncapi: '3.0.0' });
    expect((await anonymous.GET('/schemas/flow.schema.json')).data).toMatchObject({ $id: '/schemas/flow.schema.json' });
  });
});

describe('a second bot through the generated client', () => {
  it('creates a bot, uploads a version and a draft, previews and compares them, filters and erases history, deletes the bot', async () => {
    const api = client();
    const flow = (greeting: string) => ({
      name: 'Pronto Pizza',
      start: 'hello',
      blocks: [
        { id: 'hello', type: 'message' as const, text: greeting, next: 'ask' },
        { id: 'ask', type: 'wait' as const, saveAs: 'order', next: 'bye' },
        { id: 'bye', type: 'end' as const, text: 'One {{order}}, coming up!' },
      ],
    });
    const created = await api.POST('/api/bots', { body: { id: 'pizza', name: 'Pronto Pizza' } });
    expect(created.data).toEqual({ id: 'pizza', name: 'Pronto Pizza', currentVersion: null, createdAt: expect.any(String) });
    expect((await api.POST('/api/bots', { body: { id: 'pizza' } })).error).toMatchObject({ code: 'bot_exists' });
    expect((await api.GET('/api/bots')).data?.items.map((bot) => bot.id)).toEqual(['default', 'pizza']);
    const bot = { params: { path: { bot: 'pizza' } } };
    expect((await api.GET('/api/bots/{bot}', bot)).data).toMatchObject({ id: 'pizza' });
    expect((await api.GET('/api/bots/{bot}', { params: { path: { bot: 'nope' } } })).error).toMatchObject({ code: 'unknown_bot' });

    const first = await api.POST('/api/bots/{bot}/flows', { ...bot, body: flow('Pizza! What would you like?') });
    expect(first.data).toMatchObject({ version: 1, unchanged: false });
    const draft = await api.POST('/api/bots/{bot}/flows', {
      params: { path: { bot: 'pizza' }, query: { activate: 'false' } },
      body: flow('Pizza, now with a draft greeting! What would you like?'),
    });
    expect(draft.data).toMatchObject({ version: 2 });
    expect((await api.POST('/api/bots/{bot}/flows/validate', { ...bot, body: flow('Hi') })).data).toEqual({ valid: true, warnings: [] });
    expect((await api.GET('/api/bots/{bot}/flows', bot)).data?.items.map((v) => [v.version, v.current])).toEqual([
      [2, false],
      [1, true],
    ]);
    const v2 = { params: { path: { bot: 'pizza', version: 2 } } };
    const source = await api.GET('/api/bots/{bot}/flows/{version}', { ...v2, parseAs: 'text' });
    expect(source.data).toContain('draft greeting');
    const machine = await api.GET('/api/bots/{bot}/flows/{version}/machine', v2);
    expect(machine.data).toMatchObject({ initial: 'hello' });
    const diff = await api.GET('/api/bots/{bot}/flows/{version}/diff', {
      params: { path: { bot: 'pizza', version: 2 }, query: { from: 1 } },
    });
    expect(diff.data).toMatchObject({ from: 1, to: 2, blocks: { changed: [{ id: 'hello', fields: ['text'] }] } });
    const legacyDiff = await api.GET('/api/flows/{version}/diff', { params: { path: { version: 'current' }, query: { from: 1 } } });
    expect(legacyDiff.data).toMatchObject({ from: 1, to: 1 });

    // The bot's current version, and a preview of the draft with the token as a subprotocol.
    const chat = await ChatClient.connect(`${server.wsUrl}?bot=pizza`);
    const sent: Frame[] = [{ type: 'message', text: 'a margherita' }];
    await chat.until('waiting');
    chat.say('a margherita');
    await chat.until('end');
    const preview = await ChatClient.connect(`${server.wsUrl}?bot=pizza&version=2`, { protocols: [`bearer.${TOKEN}`] });
    await preview.until('waiting');
    recordFrames([...chat.frames, ...preview.frames], sent);
    const previewId = String(preview.frames[0]?.conversationId);

    const completed = await api.GET('/api/conversations', { params: { query: { bot: 'pizza', status: 'completed' } } });
    expect(completed.data?.items).toEqual([expect.objectContaining({ bot: 'pizza', flowVersion: 1, status: 'completed' })]);
    const busy = await api.DELETE('/api/bots/{bot}', bot);
    expect(busy.error).toMatchObject({ code: 'bot_in_use' });
    const erased = await api.DELETE('/api/conversations/{id}', { params: { path: { id: previewId } } });
    expect(erased.response.status).toBe(204);
    expect(await preview.next('error')).toMatchObject({ code: 'conversation_erased' });
    const deleted = await api.DELETE('/api/bots/{bot}', bot);
    expect(deleted.response.status).toBe(204);
    expect((await api.DELETE('/api/bots/{bot}', { params: { path: { bot: 'default' } } })).error).toMatchObject({ code: 'default_bot' });
  });
});

describe('the examples of the descriptions', () => {
  it('are all still valid against the documents the server serves', async () => {
    const openapi = (await (await checkedFetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    type Media = { schema: unknown; examples?: Record<string, { value: unknown }> };
    const schemas = new SchemaSet(openapi.components.schemas, '2020-12');
    let checked = 0;
    const problems: string[] = [];
    for (const [path, item] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const media = [
          ...Object.entries(operation.requestBody?.content ?? {}).map(([type, m]) => [`request ${type}`, m] as const),
          ...Object.entries(operation.responses).flatMap(([status, r]) =>
            Object.entries(r.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const),
          ),
        ];
        for (const [what, m] of media) {
          for (const example of Object.values(m.examples ?? {})) {
            checked++;
            problems.push(...schemas.problems(m.schema, example.value).map((p) => `${method.toUpperCase()} ${path} ${what}: ${p}`));
          }
        }
      }
    }
    const asyncapi = (await (await checkedFetch(`${server.url}/api/asyncapi.json`)).json()) as {
      components: {
        schemas: Record<string, unknown>;
        messages: Record<string, { payload: unknown; examples?: Array<{ payload: unknown }> }>;
      };
    };
    const frames = new SchemaSet(asyncapi.components.schemas, 'draft-07');
    for (const [name, message] of Object.entries(asyncapi.components.messages)) {
      for (const example of message.examples ?? []) {
        checked++;
        problems.push(...frames.problems(message.payload, example.payload).map((p) => `${name}: ${p}`));
      }
    }
    expect(problems).toEqual([]);
    // Recorded by the walkthrough: the answers of every operation it calls, and every kind of frame.
    if (!UPDATE) expect(checked).toBeGreaterThan(30);
  });
});
