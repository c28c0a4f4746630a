import { readFileSync } from 'node:fs';
import { DEFAULT_FLOW_PATH } from '../support/flows';
import { parseErrorShape, rawRequest } from '../support/raw-http';
import { claimSqliteErrorsForThisFile } from '../support/sqlite-realm';
import { StorageFaults } from '../support/storage-faults';
import { startTestServer, type TestServer } from '../support/test-server';
import { WsRecorder } from '../support/ws-recorder';

/**
 * The database stops taking writes while the server runs (read-only, then full). Expected per README:
 * uploads answer 503 storage_unavailable; a conversation whose turn cannot be stored gets an `error`
 * frame storage_unavailable and close 4503 and resumes from its last stored turn once the fault
 * clears; /health reports the fault; the server stays up and recovers.
 */

const JSON_CT = { 'content-type': 'application/json' };
const SOURCE = readFileSync(DEFAULT_FLOW_PATH, 'utf8');

let server: TestServer;
let faults: StorageFaults;

// Without this, the faults below map to 500 when another test file in the same jest worker loaded
// better-sqlite3 first (see sqlite-realm.ts): the test would fail for a reason that is not the server's.
beforeAll(() => claimSqliteErrorsForThisFile());

beforeEach(async () => {
  server = await startTestServer();
  faults = new StorageFaults(server.storage);
});

afterEach(async () => {
  faults.clear();
  await server.close(true);
});

let uploads = 0;
/** A new version each time by default: the same bytes as the current one would need no write at all. */
async function upload(
  body = SOURCE.replace('"Travel assistant"', `"Travel assistant ${++uploads}"`),
): Promise<{ status: number; code?: string }> {
  const res = await rawRequest(server.url, { method: 'POST', path: '/api/flows', headers: JSON_CT, body });
  return res.status >= 400 ? { status: res.status, code: parseErrorShape(res.text).code } : { status: res.status };
}

async function health(): Promise<{ status: number; database: unknown }> {
  const res = await rawRequest(server.url, { path: '/health' });
  return { status: res.status, database: (JSON.parse(res.text) as { database?: unknown }).database };
}

async function history(id: string): Promise<{ status: string; messages: Array<{ from: string; text: string }> }> {
  const res = await rawRequest(server.url, { path: `/api/conversations/${id}` });
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as { status: string; messages: Array<{ from: string; text: string }> };
}

/** Opens a conversation (new, or resumed by id) and waits until the bot waits for the user. */
async function open(conversationId?: string): Promise<WsRecorder> {
  const client = await WsRecorder.connect(conversationId ? `${server.wsUrl}?conversationId=${conversationId}` : server.wsUrl);
  await client.waitFor(() => client.count('waiting') >= 1 || client.close !== undefined, 'the first waiting frame');
  return client;
}

/** Sends a message and waits for the next `waiting`, `end` or close. */
async function say(client: WsRecorder, text: string): Promise<void> {
  const waits = client.count('waiting');
  client.sendRaw(JSON.stringify({ type: 'message', text }));
  await client.waitFor(
    () => client.count('waiting') > waits || client.count('end') > 0 || client.close !== undefined,
    `the answer to "${text}"`,
  );
}

const botTexts = (client: WsRecorder): string[] => client.frames.filter((f) => f.type === 'message').map((f) => String(f.text));

/**
 * `everyWriteFails`: read-only refuses every write; a full database only refuses writes that need a
 * new page, so its cases use big writes and skip the ones a small row could slip through.
 */
describe.each([
  { name: 'read-only (SQLITE_READONLY)', inject: (f: StorageFaults) => f.readOnly(true), everyWriteFails: true },
  { name: 'full (SQLITE_FULL)', inject: (f: StorageFaults) => f.full(true), everyWriteFails: false },
])('database $name while the server runs', ({ inject, everyWriteFails }) => {
  it('answers uploads with 503 storage_unavailable, stays up, and recovers', async () => {
    inject(faults);
    // A large body makes sure the insert needs new pages (for the "full" fault).
    const big = JSON.stringify({ ...(JSON.parse(SOURCE) as object), meta: { padding: 'p'.repeat(300000) } });
    expect(await upload(big)).toEqual({ status: 503, code: 'storage_unavailable' });
    // Reads still work and the process is up.
    expect((await rawRequest(server.url, { path: '/api/flows' })).status).toBe(200);
    faults.clear();
    expect((await upload(big)).status).toBe(201);
    expect((await health()).status).toBe(200);
  });

  it('fails a turn it cannot store with storage_unavailable / 4503, then resumes from the last stored turn', async () => {
    const first = await open();
    const id = String(first.frames[0]?.conversationId);
    await say(first, 'will it rain tomorrow?');
    const seenBefore = botTexts(first);
    expect(seenBefore[1]).toMatch(/sunny/i);

    inject(faults);
    // Over 5 KB of UTF-8: more than a page, so it cannot fit in the room left in one (the "full" fault).
    first.sendRaw(JSON.stringify({ type: 'message', text: `any cheap flights? ${'€'.repeat(1900)}` }));
    const closed = await first.waitForClose();
    const error = first.frames.find((f) => f.type === 'error');
    expect(error).toMatchObject({ type: 'error', code: 'storage_unavailable' });
    expect(closed.code).toBe(4503);
    // Nothing of the failed turn was shown.
    expect(botTexts(first)).toEqual(seenBefore);
    // The server is up and history still reads; it holds exactly the last stored turn.
    expect((await history(id)).messages.map((m) => m.text)).toEqual([seenBefore[0], 'will it rain tomorrow?', seenBefore[1]]);

    faults.clear();
    const again = await open(id);
    expect(again.frames[0]).toMatchObject({ type: 'conversation', conversationId: id, resumed: true });
    expect(again.frames[1]).toMatchObject({ type: 'waiting', blockId: 'ask' });
    await say(again, 'any cheap flights?');
    expect(botTexts(again)[0]).toMatch(/Lisbon/);
    const stored = await history(id);
    expect(stored.messages.filter((m) => m.from === 'user').map((m) => m.text)).toEqual(['will it rain tomorrow?', 'any cheap flights?']);
    expect(stored.messages.filter((m) => m.from === 'bot').map((m) => m.text)).toEqual([...seenBefore, ...botTexts(again)]);
    again.ws.close();
    await again.waitForClose();
  });

  const ifEveryWriteFails = everyWriteFails ? it : it.skip;

  ifEveryWriteFails('fails the first turn of a new conversation with 4503 and restarts it on resume', async () => {
    // The fault starts right after the conversation row is created: the first turn cannot be stored.
    const repo = server.storage.conversations;
    const create = repo.create.bind(repo);
    repo.create = async (input) => {
      const created = await create(input);
      inject(faults);
      return created;
    };
    const client = await open();
    expect(client.frames[0]?.type).toBe('conversation');
    const id = String(client.frames[0]?.conversationId);
    const closed = await client.waitForClose();
    expect(client.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'storage_unavailable' });
    expect(closed.code).toBe(4503);
    expect(botTexts(client)).toEqual([]);
    repo.create = create;

    faults.clear();
    const again = await open(id);
    expect(again.frames[0]).toMatchObject({ type: 'conversation', conversationId: id, resumed: true });
    // Nothing was stored, so the flow starts over: the welcome message, then it waits.
    expect(botTexts(again)).toHaveLength(1);
    expect((await history(id)).messages.map((m) => m.text)).toEqual(botTexts(again));
    again.ws.close();
    await again.waitForClose();
  });

  ifEveryWriteFails('refuses a new conversation with storage_unavailable / 4503 while writes fail', async () => {
    inject(faults);
    const client = await WsRecorder.connect(server.wsUrl);
    const closed = await client.waitForClose();
    expect(client.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'storage_unavailable' });
    expect(closed.code).toBe(4503);
  });

  it('reports the fault on /health', async () => {
    inject(faults);
    expect(await upload()).toMatchObject({ status: 503 });
    const report = await health();
    expect(report.status).toBe(503);
    expect(report.database).not.toBe('ok');
  });
});
