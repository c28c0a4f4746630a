/**
 * The floor: a minimal hand-written server doing a turn's same work as flowbot, and nothing more. It
 * parses the client frame (flowbot's own frame check), asks flowbot's local classifier (or, with
 * BENCH_OPENAI_URL, makes the same Chat Completions call with node:http and a keep-alive agent) on
 * the default flow's `route` block, renders the reply template, writes the same rows to SQLite
 * (conversation update, two messages, three steps, a snapshot), group-committed once per event-loop
 * tick, and sends the same frames after the commit. No state machine, no actor, no service layers:
 * what any server doing this job must pay. flowbot's figures are printed as ratios to it.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { WebSocket, WebSocketServer } from 'ws';
import type { Flow, IntentBlock, MessageBlock, WaitBlock } from '../../src/flow/types';
import { renderTemplate } from '../../src/flow/template';
import type { IntentCandidate } from '../../src/intent/detector';
import { LocalIntentClassifier } from '../../src/intent/local';
import { MAX_IDLE_SOCKETS } from '../../src/intent/openai/keep-alive-fetch';
import { parseIntentAnswer } from '../../src/intent/openai/parse-answer';
import { answerEnum, buildChatRequest } from '../../src/intent/openai/prompt';
import { DEFAULT_BOT } from '../../src/storage/records';
import { openSqliteStorage } from '../../src/storage/sqlite';
import { parseClientFrame } from '../../src/transport/ws/frames';
import { REPO_ROOT } from '../lib/paths';
import { reply, serveCommands } from './control';

type Variables = Record<string, string>;

interface Turn {
  id: string;
  messages: Array<[sender: string, text: string, blockId: string]>;
  steps: Array<[from: string | null, to: string, event: string, intent: string | null, confidence: number | null, latency: number | null]>;
  variables: Variables;
  frames: string[];
  ws: WebSocket;
}

interface Session {
  id: string;
  messageSeq: number;
  stepSeq: number;
  variables: Variables;
  busy: boolean;
}

const flow = JSON.parse(readFileSync(join(REPO_ROOT, 'flows', 'travel-assistant.json'), 'utf8')) as Flow;
const byId = new Map(flow.blocks.map((b) => [b.id, b]));
const welcome = byId.get('welcome') as MessageBlock;
const ask = byId.get('ask') as WaitBlock;
const route = byId.get('route') as IntentBlock;
const clarify = byId.get('clarify') as MessageBlock;
const intents: IntentCandidate[] = route.intents.map((i) => ({ id: i.id, description: i.description, examples: i.examples ?? [] }));
const nextOf = new Map(route.intents.map((i) => [i.id, byId.get(i.next) as MessageBlock]));
const allowed = answerEnum(intents);
const waitingFrame = JSON.stringify({
  type: 'waiting',
  blockId: 'ask',
  choices: (ask.choices ?? []).map((c) => ({ label: c.label, value: c.value })),
});
const classifier = new LocalIntentClassifier();

const openaiUrl = process.env.BENCH_OPENAI_URL ? new URL(`${process.env.BENCH_OPENAI_URL}/chat/completions`) : undefined;
// The same pool bound as flowbot's keep-alive fetch: neither side pays reconnects the other does not.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: MAX_IDLE_SOCKETS });

function snapshotOf(variables: Variables): string {
  // The same shape and size as the XState snapshot flowbot stores at `ask`.
  return JSON.stringify({ status: 'active', value: 'ask', historyValue: {}, context: { variables }, children: {} });
}

async function start(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowbot-bench-floor-'));
  const path = join(dir, 'floor.sqlite');
  // flowbot's schema and flow row, then the floor's own connection with the same pragmas.
  const setup = openSqliteStorage({ path });
  const { version } = await setup.flows.create({ flow, source: JSON.stringify(flow), createdAt: new Date().toISOString() });
  await setup.close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const insertConversation = db.prepare(
    'INSERT INTO conversations (id, bot_id, flow_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const update = db.prepare(
    'UPDATE conversations SET status = ?, variables = ?, current_block = ?, snapshot = ?, updated_at = ? WHERE id = ?',
  );
  const insertMessage = db.prepare('INSERT INTO messages (conversation_id, seq, sender, text, block_id, at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertStep = db.prepare(
    `INSERT INTO steps (conversation_id, seq, from_block, to_block, event, intent, provider, confidence, latency_ms, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const sessions = new Map<string, Session>();
  let pending: Turn[] = [];
  const commit = db.transaction((turns: Turn[]) => {
    for (const turn of turns) {
      const session = sessions.get(turn.id);
      if (!session) continue;
      const at = new Date().toISOString();
      update.run('active', JSON.stringify(turn.variables), 'ask', snapshotOf(turn.variables), at, turn.id);
      for (const [sender, text, blockId] of turn.messages) insertMessage.run(turn.id, ++session.messageSeq, sender, text, blockId, at);
      for (const [from, to, event, intent, confidence, latency] of turn.steps)
        insertStep.run(turn.id, ++session.stepSeq, from, to, event, intent, intent ? 'local' : null, confidence, latency, at);
    }
  });
  const flush = (): void => {
    const turns = pending;
    pending = [];
    commit.immediate(turns);
    for (const turn of turns) {
      const session = sessions.get(turn.id);
      if (session) session.busy = false;
      if (turn.ws.readyState !== WebSocket.OPEN) continue;
      for (const frame of turn.frames) turn.ws.send(frame);
    }
  };
  const store = (turn: Turn): void => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(turn);
  };

  const detect = (text: string): Promise<{ intent: string; confidence: number | null }> => {
    if (!openaiUrl) {
      const { intent, confidence } = classifier.classify(text, intents, 'floor:route');
      return Promise.resolve({ intent, confidence });
    }
    const body = JSON.stringify(buildChatRequest({ text, intents }, { model: 'bench-model' }));
    return new Promise((resolve) => {
      const req = httpRequest(
        openaiUrl,
        {
          method: 'POST',
          agent,
          timeout: 8000,
          headers: { 'content-type': 'application/json', authorization: 'Bearer bench', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const answer = parseIntentAnswer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatCompletion, allowed);
            resolve({ intent: answer.ok ? answer.intent : 'none', confidence: null });
          });
        },
      );
      req.on('error', () => resolve({ intent: 'none', confidence: null }));
      req.end(body);
    });
  };

  const onMessage = async (ws: WebSocket, session: Session, raw: string): Promise<void> => {
    const frame = parseClientFrame(raw, 2000);
    if (!frame.ok || session.busy) return;
    session.busy = true;
    const text = frame.text;
    const started = performance.now();
    const { intent, confidence } = await detect(text);
    const latency = Math.round(performance.now() - started);
    const block = nextOf.get(intent) ?? clarify;
    const variables: Variables = { ...session.variables, lastMessage: text, request: text, intent };
    session.variables = variables;
    const answer = renderTemplate(block.text, variables);
    store({
      id: session.id,
      messages: [
        ['user', text, 'ask'],
        ['bot', answer, block.id],
      ],
      steps: [
        ['ask', 'route', 'user.message', null, null, null],
        ['route', block.id, block === clarify ? 'intent.noMatch' : 'intent.matched', intent, confidence, latency],
        [block.id, 'ask', 'next', null, null, null],
      ],
      variables,
      frames: [JSON.stringify({ type: 'message', text: answer, blockId: block.id }), waitingFrame],
      ws,
    });
  };

  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false, maxPayload: 65536 });
  wss.on('connection', (ws) => {
    const session: Session = { id: randomUUID(), messageSeq: 0, stepSeq: 0, variables: {}, busy: true };
    sessions.set(session.id, session);
    const now = new Date().toISOString();
    insertConversation.run(session.id, DEFAULT_BOT, version, now, now);
    ws.send(JSON.stringify({ type: 'conversation', conversationId: session.id, flowVersion: version, resumed: false }));
    store({
      id: session.id,
      messages: [['bot', renderTemplate(welcome.text, {}), 'welcome']],
      steps: [
        [null, 'welcome', 'start', null, null, null],
        ['welcome', 'ask', 'next', null, null, null],
      ],
      variables: {},
      frames: [JSON.stringify({ type: 'message', text: renderTemplate(welcome.text, {}), blockId: 'welcome' }), waitingFrame],
      ws,
    });
    ws.on('message', (data: Buffer) => void onMessage(ws, session, data.toString('utf8')));
    ws.on('close', () => sessions.delete(session.id));
    ws.on('error', () => undefined);
  });

  serveCommands({
    stats: () => ({ connections: wss.clients.size, liveConversations: sessions.size }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() =>
          http.close(() => {
            db.close();
            agent.destroy();
            rmSync(dir, { recursive: true, force: true });
            resolve();
          }),
        );
      }),
  });
  http.listen(0, '127.0.0.1', () => reply({ type: 'ready', port: (http.address() as AddressInfo).port, pid: process.pid }));
}

start().catch((err: unknown) => {
  reply({ type: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
