import { type ConversationStatus, DEFAULT_BOT, type MessageRecord, type StepRecord } from '../../../src/storage/records';
import type { Storage, StorageEvent } from '../../../src/storage/repositories';
import { defaultFlow } from '../../support/flows';
import { seedConversation, seedKnownConversations } from '../../support/stats-seed';
import { at, msg, sampleFlow, turn } from '../sqlite/helpers';
import type { Backend } from './backends';

/** Waits until `events` has heard an event matching `match`. */
function heard(storage: Storage, match: (event: StorageEvent) => boolean): Promise<StorageEvent> {
  return new Promise((resolve) => {
    const stop = storage.events.subscribe((event) => {
      if (!match(event)) return;
      stop();
      resolve(event);
    });
  });
}

/**
 * What every storage backend guarantees, checked on each (test/storage/contract/*.test.ts): the
 * same calls give the same answers on SQLite and on PostgreSQL.
 */
export function describeStorageContract(backend: Backend): void {
  let storage: Storage;
  let flowVersion: number;

  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());
  beforeEach(async () => {
    storage = await backend.open();
    const flow = sampleFlow();
    flowVersion = (await storage.flows.create({ flow, source: JSON.stringify(flow), createdAt: at(0) })).version;
  });

  describe(`${backend.name}: flow versions and bots`, () => {
    const upload = (name: string, createdAt = at(0), bot = DEFAULT_BOT) => {
      const flow = sampleFlow(name);
      return storage.bots.flows(bot).create({ flow, source: JSON.stringify(flow), createdAt });
    };

    it('numbers versions per bot and makes each new one current unless it is a draft', async () => {
      expect((await upload('two', at(2))).version).toBe(2);
      expect(await storage.flows.currentVersion()).toBe(2);
      const draft = await storage.flows.create({ flow: sampleFlow('draft'), source: '{"draft":1}', createdAt: at(3), activate: false });
      expect(draft).toMatchObject({ version: 3, current: false });
      expect(await storage.flows.currentVersion()).toBe(2);
      expect(await storage.flows.list()).toEqual([
        { version: 3, name: 'draft', createdAt: at(3), current: false },
        { version: 2, name: 'two', createdAt: at(2), current: true },
        { version: 1, name: 'sample', createdAt: at(0), current: false },
      ]);
      await expect(storage.flows.activate(1)).resolves.toBe(true);
      await expect(storage.flows.activate(9)).resolves.toBe(false);
      expect((await storage.flows.current())?.version).toBe(1);
      expect((await upload('four')).version).toBe(4);
    });

    it('keeps the uploaded source byte for byte', async () => {
      const source =
        '{\n\t"name" : "Grüße 🌍 \\u00e9",   "start":"hello",\r\n "blocks": [\n  {"id":"hello","type":"end","text":"ça va? 日本語"}\n]}\n';
      const created = await storage.flows.create({ flow: JSON.parse(source) as never, source, createdAt: at(0) });
      expect((await storage.flows.get(created.version))?.source).toBe(source);
      expect((await storage.flows.get(created.version))?.name).toBe('Grüße 🌍 é');
      await expect(storage.flows.create({ flow: sampleFlow('x'), source: '{not json', createdAt: at(0) })).rejects.toThrow(SyntaxError);
    });

    it('numbers versions without a gap or a repeat when uploads race', async () => {
      const versions = await Promise.all(Array.from({ length: 12 }, (_, i) => upload(`race${i}`)));
      expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    });

    it('stores one version when identical uploads race: the others get the current one, not created', async () => {
      const flow = sampleFlow('same');
      const source = JSON.stringify(flow);
      const uploads = await Promise.all(
        Array.from({ length: 6 }, () => storage.flows.createUnlessCurrent({ flow, source, createdAt: at(1) })),
      );
      expect(uploads.filter((u) => u.created)).toHaveLength(1);
      expect(new Set(uploads.map((u) => u.record.version))).toEqual(new Set([flowVersion + 1]));
      expect(await storage.flows.list()).toHaveLength(2);
      // Only the current version is compared: another source, or the same after it, is a new version.
      await storage.flows.create({ flow: sampleFlow('other'), source: JSON.stringify(sampleFlow('other')), createdAt: at(2) });
      await expect(storage.flows.createUnlessCurrent({ flow, source, createdAt: at(3) })).resolves.toMatchObject({
        created: true,
        record: { version: flowVersion + 3, current: true },
      });
    });

    it('creates, lists and deletes bots, refusing while one has an active conversation', async () => {
      await expect(storage.bots.create({ id: 'shop', name: 'Shop', createdAt: at(1) })).resolves.toBe(true);
      await expect(storage.bots.create({ id: 'shop', name: 'Again', createdAt: at(1) })).resolves.toBe(false);
      await expect(storage.bots.create({ id: 'Zoo', name: 'Zoo', createdAt: at(1) })).resolves.toBe(true);
      expect((await storage.bots.list()).map((b) => b.id)).toEqual(['default', 'Zoo', 'shop']);
      expect(await storage.bots.get('shop')).toEqual({ id: 'shop', name: 'Shop', currentVersion: null, createdAt: at(1) });
      expect((await upload('shop one', at(2), 'shop')).version).toBe(1);
      await storage.conversations.create({ id: 's1', bot: 'shop', createdAt: at(3) });
      await expect(storage.bots.delete('shop')).resolves.toBe('active_conversations');
      await storage.conversations.appendTurn(turn('s1', { status: 'completed' }));
      await expect(storage.bots.delete('shop')).resolves.toBe('deleted');
      await expect(storage.bots.delete('shop')).resolves.toBe('missing');
      await expect(storage.conversations.get('s1')).resolves.toBeUndefined();
      await expect(storage.bots.flows('shop').list()).resolves.toEqual([]);
    });
  });

  describe(`${backend.name}: conversations`, () => {
    it('creates a conversation on the current version, read by the statement that stores it', async () => {
      await expect(storage.conversations.create({ id: 'c1', createdAt: at(1), owner: 'a' })).resolves.toEqual({ flowVersion, epoch: 1 });
      const next = await storage.flows.create({ flow: sampleFlow('v2'), source: '{"v":2}', createdAt: at(2) });
      await expect(storage.conversations.create({ id: 'c2', createdAt: at(2) })).resolves.toEqual({ flowVersion: next.version, epoch: 1 });
      // A preview runs on the version it names.
      await expect(storage.conversations.create({ id: 'c3', flowVersion, createdAt: at(3) })).resolves.toEqual({ flowVersion, epoch: 1 });
      await expect(storage.conversations.get('c1')).resolves.toEqual({
        id: 'c1',
        flowVersion,
        status: 'active',
        variables: {},
        currentBlock: null,
        createdAt: at(1),
        updatedAt: at(1),
      });
      // A bot with no current version, or none at all: nothing is stored.
      await storage.bots.create({ id: 'empty', name: 'Empty', createdAt: at(1) });
      await expect(storage.conversations.create({ id: 'c4', bot: 'empty', createdAt: at(4) })).resolves.toBeUndefined();
      await expect(storage.conversations.create({ id: 'c5', bot: 'ghost', createdAt: at(4) })).resolves.toBeUndefined();
      await expect(storage.conversations.get('c4')).resolves.toBeUndefined();
      // A duplicate id is a constraint error (matched by shape: SQLite's errors may come from another realm under jest).
      await expect(storage.conversations.create({ id: 'c1', createdAt: at(5) })).rejects.toHaveProperty('code');
    });

    it('appends turns in order and gives back every field as written', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      const first: StepRecord = { from: null, to: 'hello', event: 'start', at: at(2) };
      const second: StepRecord = {
        from: 'ask',
        to: 'route',
        event: 'intent.matched',
        intent: 'weather',
        provider: 'openai',
        fallbackReason: 'timeout',
        latencyMs: 12.4,
        confidence: 0.82,
        runnerUp: 'travel',
        runnerUpScore: 0.11,
        error: 'e',
        case: 2,
        choice: 'yes',
        method: 'POST',
        url: 'https://x.test/***',
        status: 502,
        httpError: 'status',
        at: at(4),
      };
      await storage.conversations.appendTurn(turn('c1', { messages: [msg('bot', 'hi', 2), msg('bot', 'what?', 2)], steps: [first] }));
      await storage.conversations.appendTurn(
        turn('c1', { messages: [msg('user', 'weather', 3), msg('bot', 'sunny', 4)], steps: [second] }),
      );
      expect((await storage.conversations.messages('c1')).map((m) => m.text)).toEqual(['hi', 'what?', 'weather', 'sunny']);
      expect((await storage.conversations.messages('c1'))[2]).toEqual({ from: 'user', text: 'weather', blockId: 'b-weather', at: at(3) });
      await expect(storage.conversations.steps('c1')).resolves.toEqual([first, { ...second, latencyMs: 12 }]);
      expect(Object.keys((await storage.conversations.steps('c1'))[0] ?? {})).toEqual(['from', 'to', 'event', 'at']);
      expect(await backend.seqs('messages', 'c1')).toEqual([1, 2, 3, 4]);
      expect(await backend.seqs('steps', 'c1')).toEqual([1, 2]);
    });

    it('round-trips variables, block, snapshot and status; a turn without a snapshot keeps the last one', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      const snapshot = { status: 'active', value: 'ask', context: { nested: [1, 'two', { three: null }], z: 1, a: 2 }, emoji: '🙂' };
      await storage.conversations.appendTurn(
        turn('c1', { variables: { name: 'Zoë', b: 1, a: true }, currentBlock: 'ask', snapshot, at: at(7) }),
      );
      const record = await storage.conversations.get('c1');
      expect(record).toMatchObject({ status: 'active', variables: { name: 'Zoë', b: 1, a: true }, currentBlock: 'ask', updatedAt: at(7) });
      // Key order too: the answers of both backends are byte for byte the same.
      expect(JSON.stringify(record?.variables)).toBe('{"name":"Zoë","b":1,"a":true}');
      expect(JSON.stringify(await storage.conversations.snapshot('c1'))).toBe(JSON.stringify(snapshot));
      const { snapshot: _none, ...failed } = turn('c1', { currentBlock: 'route' });
      await storage.conversations.appendTurn(failed);
      await expect(storage.conversations.snapshot('c1')).resolves.toEqual(snapshot);
      await storage.conversations.appendTurn(turn('c1', { status: 'completed', currentBlock: 'bye', snapshot: null, at: at(8) }));
      await expect(storage.conversations.snapshot('c1')).resolves.toBeUndefined();
      await expect(storage.conversations.get('c1')).resolves.toMatchObject({ status: 'completed', currentBlock: 'bye' });
    });

    it('stores each turn’s status and current block whether they changed or stayed, with the rest of the row', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      const states: Array<{ status: ConversationStatus; currentBlock: string | null }> = [
        { status: 'active', currentBlock: null },
        { status: 'active', currentBlock: 'ask' },
        { status: 'active', currentBlock: 'ask' },
        { status: 'active', currentBlock: 'next' },
        { status: 'completed', currentBlock: 'next' },
        { status: 'completed', currentBlock: null },
      ];
      for (const [i, state] of states.entries()) {
        await storage.conversations.appendTurn(turn('c1', { ...state, variables: { i }, snapshot: { i }, at: at(2 + i) }));
        await expect(storage.conversations.get('c1')).resolves.toMatchObject({ ...state, variables: { i }, updatedAt: at(2 + i) });
        await expect(storage.conversations.snapshot('c1')).resolves.toEqual({ i });
      }
    });

    it('writes a turn all-or-nothing, and one bad turn never fails the turns written with it', async () => {
      const ids = Array.from({ length: 8 }, (_, i) => `c${i}`);
      for (const id of ids) await storage.conversations.create({ id, createdAt: at(1) });
      const bad = { from: 'robot', text: 'x', blockId: 'b', at: at(2) } as unknown as MessageRecord;
      // Handed over together, as a busy server does: on PostgreSQL they share one statement.
      const results = await Promise.allSettled(
        ids.map((id, i) =>
          storage.conversations.appendTurn(
            turn(id, { messages: i === 3 ? [msg('user', 'ok', 2), bad] : [msg('user', `hello ${i}`, 2)], currentBlock: 'z' }),
          ),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(ids.map((_, i) => (i === 3 ? 'rejected' : 'fulfilled')));
      await expect(storage.conversations.messages('c3')).resolves.toEqual([]);
      await expect(storage.conversations.get('c3')).resolves.toMatchObject({ currentBlock: null });
      for (const [i, id] of ids.entries())
        if (i !== 3) expect((await storage.conversations.messages(id)).map((m) => m.text)).toEqual([`hello ${i}`]);
    });

    it('stores a NUL character as U+FFFD instead of failing the turn (and the turns batched with it)', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      await storage.conversations.create({ id: 'c2', createdAt: at(1) });
      await Promise.all([
        storage.conversations.appendTurn(
          turn('c1', {
            messages: [msg('user', 'a\u0000b', 2)],
            steps: [{ from: 'x\u0000', to: 'y', event: 'next', at: at(2) }],
            variables: { v: 'n\u0000ul' },
          }),
        ),
        storage.conversations.appendTurn(turn('c2', { messages: [msg('user', 'fine', 2)] })),
      ]);
      expect((await storage.conversations.messages('c1'))[0]?.text).toBe('a\uFFFDb');
      expect((await storage.conversations.steps('c1'))[0]?.from).toBe('x\uFFFD');
      // JSON keeps it, escaped.
      expect((await storage.conversations.get('c1'))?.variables).toEqual({ v: 'n\u0000ul' });
      expect((await storage.conversations.messages('c2'))[0]?.text).toBe('fine');
    });

    it('numbers messages and steps 1..n with no gap or repeat when many turns are in flight at once', async () => {
      const ids = ['a', 'b', 'c'];
      for (const id of ids) await storage.conversations.create({ id, createdAt: at(1) });
      const writes: Array<Promise<void>> = [];
      for (let i = 0; i < 20; i++) {
        for (const id of ids) {
          writes.push(
            storage.conversations.appendTurn(
              turn(id, {
                messages: [msg('user', `${id}${i}`, 2), msg('bot', `${id}${i}!`, 2)],
                steps: [{ from: 'x', to: `${i}`, event: 'next', at: at(2) }],
              }),
            ),
          );
        }
      }
      await Promise.all(writes);
      for (const id of ids) {
        expect((await storage.conversations.messages(id)).map((m) => m.text)).toEqual(
          Array.from({ length: 20 }, (_, i) => [`${id}${i}`, `${id}${i}!`]).flat(),
        );
        expect((await storage.conversations.steps(id)).map((s) => s.to)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
        expect(await backend.seqs('messages', id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(await backend.seqs('steps', id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
    });

    it('reads its own writes: a read after appendTurn was called sees that turn, even before it resolved', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      const write = storage.conversations.appendTurn(
        turn('c1', { messages: [msg('bot', 'hi', 2)], currentBlock: 'ask', snapshot: { at: 'ask' } }),
      );
      const [record, messages, snapshot] = await Promise.all([
        storage.conversations.get('c1'),
        storage.conversations.messages('c1'),
        storage.conversations.snapshot('c1'),
      ]);
      await write;
      expect(record?.currentBlock).toBe('ask');
      expect(messages.map((m) => m.text)).toEqual(['hi']);
      expect(snapshot).toEqual({ at: 'ask' });
      const listed = storage.conversations.list({ limit: 5 });
      expect((await listed).items[0]?.currentBlock).toBe('ask');
    });

    it('refuses a turn for an unknown conversation', async () => {
      await expect(storage.conversations.appendTurn(turn('ghost', {}))).rejects.toMatchObject({ code: 'conversation_not_found' });
    });

    it('abandons only active conversations idle since before the cutoff; erases ended ones in batches', async () => {
      for (const id of ['old', 'recent', 'done', 'edge']) await storage.conversations.create({ id, createdAt: at(1) });
      await storage.conversations.appendTurn(turn('recent', { at: at(100) }));
      await storage.conversations.appendTurn(turn('done', { status: 'completed', at: at(2) }));
      await storage.conversations.appendTurn(turn('edge', { at: at(50) }));
      await expect(storage.conversations.abandonIdle(at(50))).resolves.toBe(1);
      await expect(storage.conversations.get('old')).resolves.toMatchObject({ status: 'abandoned', updatedAt: at(1) });
      await expect(storage.conversations.hasActive(DEFAULT_BOT)).resolves.toBe(true);
      await expect(storage.conversations.eraseEnded({ before: at(60), limit: 1 })).resolves.toBe(1);
      await expect(storage.conversations.eraseEnded({ before: at(60), limit: 5 })).resolves.toBe(1);
      await expect(storage.conversations.get('old')).resolves.toBeUndefined();
      await expect(storage.conversations.get('done')).resolves.toBeUndefined();
      await expect(storage.conversations.erase('edge')).resolves.toBe(true);
      await expect(storage.conversations.erase('edge')).resolves.toBe(false);
      await expect(storage.conversations.messages('edge')).resolves.toEqual([]);
    });

    it('pages newest first by (createdAt, id) without duplicates or gaps', async () => {
      for (let i = 0; i < 25; i++) await storage.conversations.create({ id: `c${String(i).padStart(2, '0')}`, createdAt: at(i % 3) });
      // Ids that sort differently in a locale than bytewise: bytewise, as SQLite.
      await storage.conversations.create({ id: 'B', createdAt: at(0) });
      await storage.conversations.create({ id: 'a', createdAt: at(0) });
      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.conversations.list(cursor === undefined ? { limit: 10 } : { limit: 10, cursor });
        all.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(all).toHaveLength(27);
      expect(new Set(all).size).toBe(27);
      expect(all.slice(-10)).toEqual(['c24', 'c21', 'c18', 'c15', 'c12', 'c09', 'c06', 'c03', 'c00', 'a', 'B'].slice(-10));
      const onlyActive = await storage.conversations.list({ limit: 100, status: 'completed' });
      expect(onlyActive.items).toEqual([]);
      await expect(storage.conversations.list({ limit: 10, cursor: 'abc$' })).rejects.toMatchObject({ code: 'invalid_cursor' });
      await expect(storage.conversations.list({ limit: 101 })).rejects.toBeInstanceOf(RangeError);
    });
  });

  describe(`${backend.name}: ownership and fencing`, () => {
    it('claims bump the epoch in one statement; a turn with a lost epoch is refused and stores nothing', async () => {
      const created = await storage.conversations.create({ id: 'c1', createdAt: at(1), owner: 'a' });
      expect(created?.epoch).toBe(1);
      await storage.conversations.appendTurn(turn('c1', { epoch: 1, messages: [msg('bot', 'one', 2)], snapshot: { n: 1 } }));
      const claim = await storage.conversations.claim('c1', 'b');
      expect(claim).toEqual({
        epoch: 2,
        snapshot: { n: 1 },
        conversation: expect.objectContaining({ id: 'c1', status: 'active', flowVersion }) as unknown,
      });
      await expect(
        storage.conversations.appendTurn(turn('c1', { epoch: 1, messages: [msg('bot', 'stale', 3)], snapshot: { n: 'stale' } })),
      ).rejects.toMatchObject({ code: 'conversation_taken_over' });
      await storage.conversations.appendTurn(turn('c1', { epoch: 2, messages: [msg('bot', 'two', 3)], snapshot: { n: 2 } }));
      expect((await storage.conversations.messages('c1')).map((m) => m.text)).toEqual(['one', 'two']);
      await expect(storage.conversations.snapshot('c1')).resolves.toEqual({ n: 2 });
      await expect(storage.conversations.epochs(['c1', 'ghost'])).resolves.toEqual(new Map([['c1', 2]]));
    });

    it('a claim sees every turn handed over before it (never an older snapshot)', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      const write = storage.conversations.appendTurn(turn('c1', { epoch: 1, snapshot: { n: 1 } }));
      const claim = await storage.conversations.claim('c1', 'b');
      await write;
      expect(claim?.snapshot).toEqual({ n: 1 });
    });

    it('has exactly one winner when claims race, and only its turns are stored', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      const claims = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((owner) => storage.conversations.claim('c1', owner)));
      const epochs = claims.map((c) => c?.epoch ?? 0);
      expect([...epochs].sort()).toEqual([2, 3, 4, 5, 6]);
      const results = await Promise.allSettled(
        epochs.map((epoch) => storage.conversations.appendTurn(turn('c1', { epoch, messages: [msg('bot', `by ${epoch}`, 2)] }))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await storage.conversations.messages('c1')).map((m) => m.text)).toEqual(['by 6']);
    });

    it('refuses a fenced turn once idle expiry marked the conversation abandoned, unless it was not idle when the turn began', async () => {
      for (const id of ['idle', 'busy', 'done']) await storage.conversations.create({ id, createdAt: at(1), owner: 'a' });
      await storage.conversations.appendTurn(turn('idle', { epoch: 1, messages: [msg('bot', 'hello', 2)], snapshot: { n: 1 }, at: at(2) }));
      await storage.conversations.appendTurn(turn('busy', { epoch: 1, at: at(2) }));
      await storage.conversations.appendTurn(turn('done', { epoch: 1, status: 'completed', at: at(2) }));
      // Another instance's sweep: idle since before at(60).
      await expect(storage.conversations.abandonIdle(at(60))).resolves.toBe(2);

      const late = turn('idle', {
        epoch: 1,
        messages: [msg('user', 'late', 100)],
        snapshot: { n: 'late' },
        at: at(100),
        idleCutoff: at(40),
      });
      await expect(storage.conversations.appendTurn(late)).rejects.toMatchObject({ code: 'conversation_expired' });
      expect((await storage.conversations.messages('idle')).map((m) => m.text)).toEqual(['hello']);
      await expect(storage.conversations.snapshot('idle')).resolves.toEqual({ n: 1 });
      await expect(storage.conversations.get('idle')).resolves.toMatchObject({ status: 'abandoned', updatedAt: at(2) });
      // Without a cutoff (a writer that does not know the timeout), abandoned is final too.
      await expect(storage.conversations.appendTurn(turn('idle', { epoch: 1, at: at(101) }))).rejects.toMatchObject({
        code: 'conversation_expired',
      });

      // Marked while its turn was in flight, though its last activity was within the timeout: it goes on.
      await storage.conversations.appendTurn(
        turn('busy', { epoch: 1, messages: [msg('user', 'in time', 61)], at: at(61), idleCutoff: at(1) }),
      );
      await expect(storage.conversations.get('busy')).resolves.toMatchObject({ status: 'active', updatedAt: at(61) });
      await expect(storage.conversations.appendTurn(turn('done', { epoch: 1, at: at(62), idleCutoff: at(1) }))).rejects.toMatchObject({
        code: 'conversation_ended',
      });
      // A lost epoch is still told as such first.
      await expect(storage.conversations.appendTurn(turn('idle', { epoch: 7, at: at(102) }))).rejects.toMatchObject({
        code: 'conversation_taken_over',
      });
    });

    it('claims only active conversations', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      await storage.conversations.appendTurn(turn('c1', { status: 'completed' }));
      await expect(storage.conversations.claim('c1', 'b')).resolves.toBeUndefined();
      await expect(storage.conversations.claim('ghost', 'b')).resolves.toBeUndefined();
    });
  });

  describe(`${backend.name}: signals`, () => {
    it('tells of claims, erasures, uploads, activations and deleted bots', async () => {
      await storage.conversations.create({ id: 'c1', createdAt: at(1) });
      const claimed = heard(storage, (e) => e.type === 'conversation_claimed');
      await storage.conversations.claim('c1', 'b');
      await expect(claimed).resolves.toEqual({ type: 'conversation_claimed', conversationId: 'c1', owner: 'b', epoch: 2 });
      const uploaded = heard(storage, (e) => e.type === 'flow_changed' && e.change === 'uploaded');
      const v2 = await storage.flows.create({ flow: sampleFlow('v2'), source: '{"v":2}', createdAt: at(2) });
      await expect(uploaded).resolves.toEqual({ type: 'flow_changed', bot: DEFAULT_BOT, change: 'uploaded', version: v2.version });
      const activated = heard(storage, (e) => e.type === 'flow_changed' && e.change === 'activated');
      await storage.flows.activate(1);
      await expect(activated).resolves.toEqual({ type: 'flow_changed', bot: DEFAULT_BOT, change: 'activated', version: 1 });
      const erased = heard(storage, (e) => e.type === 'conversation_erased');
      await storage.conversations.erase('c1');
      await expect(erased).resolves.toEqual({ type: 'conversation_erased', conversationId: 'c1' });
      await storage.bots.create({ id: 'shop', name: 'Shop', createdAt: at(1) });
      const deleted = heard(storage, (e) => e.type === 'flow_changed' && e.change === 'deleted');
      await storage.bots.delete('shop');
      await expect(deleted).resolves.toEqual({ type: 'flow_changed', bot: 'shop', change: 'deleted' });
    });

    it('runs an exclusive job once at a time', async () => {
      let inside = 0;
      const job = () =>
        storage.exclusive('test-job', async () => {
          inside++;
          const again = await storage.exclusive('test-job', () => Promise.resolve('ran twice'));
          inside--;
          return again ?? 'alone';
        });
      await expect(job()).resolves.toBe('alone');
      expect(inside).toBe(0);
      await expect(storage.exclusive('other-job', () => Promise.resolve(7))).resolves.toBe(7);
    });

    it('reports readiness', async () => {
      await expect(storage.ping()).resolves.toBe(true);
      expect(storage.kind).toBe(backend.name);
    });
  });

  describe(`${backend.name}: flow statistics, number by number`, () => {
    beforeEach(async () => {
      storage = await backend.open();
      await seedKnownConversations(storage);
    });

    it('counts conversations, moves, drop-off, latency and misunderstood texts of one version only', async () => {
      const stats = await storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1 });
      expect(stats.conversations).toEqual({ active: 1, completed: 1, abandoned: 1 });
      expect(stats.droppedAt).toEqual([{ block: 'ask', count: 1 }]);
      const moves = Object.fromEntries(stats.moves.map((m) => [`${m.from} ${m.to} ${m.event} ${m.intent}`, [m.count, m.fallbacks]]));
      expect(moves).toEqual({
        'null welcome start null': [3, 0],
        'welcome ask next null': [3, 0],
        'ask route user.message null': [5, 0],
        'route weather intent.matched weather': [1, 0],
        'weather ask next null': [1, 0],
        'route goodbye intent.matched bye': [1, 0],
        'route clarify intent.noMatch none': [2, 1],
        'route clarify intent.error null': [1, 0],
        'clarify ask next null': [3, 0],
      });
      expect(stats.latency).toEqual([{ block: 'route', p50: 20, p95: 40 }]);
      expect(stats.misunderstood).toEqual([{ block: 'route', text: 'asdf', count: 2, lastAt: '2026-01-03T10:01:00.000Z' }]);
    });

    it('counts only conversations started in [since, until)', async () => {
      const from2nd = await storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1, since: '2026-01-02T00:00:00.000Z' });
      expect(from2nd.conversations).toEqual({ active: 1, completed: 0, abandoned: 1 });
      expect(from2nd.latency).toEqual([{ block: 'route', p50: 30, p95: 40 }]);
      const before2nd = await storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1, until: '2026-01-02T10:00:00.000Z' });
      expect(before2nd.conversations).toEqual({ active: 0, completed: 1, abandoned: 0 });
      expect(before2nd.misunderstood).toEqual([]);
      await expect(storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 3 })).resolves.toEqual({
        conversations: { active: 0, completed: 0, abandoned: 0 },
        droppedAt: [],
        moves: [],
        latency: [],
        misunderstood: [],
      });
    });

    it('takes an erased conversation out of every count', async () => {
      await storage.conversations.erase('c2');
      const stats = await storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1 });
      expect(stats.misunderstood).toEqual([{ block: 'route', text: 'asdf', count: 1, lastAt: '2026-01-03T10:01:00.000Z' }]);
      expect(stats.conversations).toEqual({ active: 1, completed: 1, abandoned: 0 });
      expect(stats.moves.find((m) => m.from === null)).toMatchObject({ to: 'welcome', count: 2 });
      expect(stats.moves.find((m) => m.event === 'intent.noMatch')).toMatchObject({ count: 1, fallbacks: 0 });
      // 10, 20 and 40 left: nearest rank ceil(0.5·3) = 2nd.
      expect(stats.latency).toEqual([{ block: 'route', p50: 20, p95: 40 }]);
    });

    it('keeps each bot apart, and a deleted bot takes its statistics with it', async () => {
      await storage.bots.create({ id: 'shop', name: 'Shop', createdAt: '2026-01-01T00:00:00.000Z' });
      await storage.bots
        .flows('shop')
        .create({ flow: defaultFlow(), source: JSON.stringify(defaultFlow()), createdAt: '2026-01-01T00:00:00.000Z' });
      await seedConversation(
        storage,
        { id: 's1', bot: 'shop', flowVersion: 1, createdAt: '2026-01-01T10:00:00.000Z', status: 'abandoned', currentBlock: 'ask' },
        [
          {
            messages: [['bot', 'Hi!', 'welcome']],
            steps: [
              [null, 'welcome', 'start'],
              ['welcome', 'ask', 'next'],
            ],
          },
        ],
      );
      const shop = await storage.stats.flowStats({ botId: 'shop', flowVersion: 1 });
      expect(shop.conversations).toEqual({ active: 0, completed: 0, abandoned: 1 });
      expect(shop.moves.map((m) => [m.from, m.to, m.count]).sort()).toEqual(
        [
          [null, 'welcome', 1],
          ['welcome', 'ask', 1],
        ].sort(),
      );
      const before = await storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1 });
      await storage.conversations.eraseEnded({ before: '9999-12-31T23:59:59.999Z', limit: 10, bot: 'shop' });
      expect(await storage.bots.delete('shop')).toBe('deleted');
      expect((await storage.stats.flowStats({ botId: 'shop', flowVersion: 1 })).moves).toEqual([]);
      expect(await storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1 })).toEqual(before);
    });

    it('counts turns written in one batch like turns written one by one', async () => {
      const ids = ['b1', 'b2', 'b3', 'b4'];
      for (const id of ids) await storage.conversations.create({ id, flowVersion: 2, createdAt: '2026-01-05T10:00:00.000Z' });
      await Promise.all(
        ids.map((id, i) =>
          storage.conversations.appendTurn({
            conversationId: id,
            messages: [{ from: 'user', text: i % 2 ? 'zzz' : 'yyy', blockId: 'ask', at: '2026-01-05T10:00:00.000Z' }],
            steps: [
              { from: 'ask', to: 'route', event: 'user.message', at: '2026-01-05T10:00:00.000Z' },
              { from: 'route', to: 'clarify', event: 'intent.noMatch', intent: 'none', latencyMs: 5 + i, at: '2026-01-05T10:00:00.000Z' },
            ],
            status: 'active',
            variables: {},
            currentBlock: 'clarify',
            at: '2026-01-05T10:00:00.000Z',
          }),
        ),
      );
      const stats = await storage.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 2, since: '2026-01-05T00:00:00.000Z' });
      expect(stats.moves.find((m) => m.event === 'intent.noMatch')).toMatchObject({ count: 4 });
      expect(stats.latency).toEqual([{ block: 'route', p50: 6, p95: 8 }]);
      expect(stats.misunderstood.map((m) => [m.text, m.count])).toEqual([
        ['yyy', 2],
        ['zzz', 2],
      ]);
    });
  });
}
