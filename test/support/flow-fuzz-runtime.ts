import { outgoingEdges, prepareFlow, validateFlow } from '../../src/flow';
import { type BlockEdge, DEFAULT_MAX_SILENCES, DEFAULT_MAX_TRIES } from '../../src/flow/edges';
import { assignmentsAlong, variableInventory } from '../../src/flow/variables';
import { blockEntries } from '../../src/flow/document';
import { variablesSetOnEveryPath } from '../../src/flow/rules/dataflow';
import type { Step } from '../../src/flow/step';
import type { Block, Flow } from '../../src/flow/types';
import type { IntentDetector, IntentRequest, IntentResult } from '../../src/intent/detector';
import type { TimerHost } from '../../src/runtime/actor-clock';
import { Conversation } from '../../src/runtime/conversation';
import type { Turn } from '../../src/runtime/events';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import type { HttpAnswer, HttpRequest, HttpRequester } from '../../src/runtime/http-requester';
import { FUZZ_SECRET } from './flow-fuzz';

/**
 * The runtime side of the flow fuzzer: runs a generated valid flow through a scripted conversation
 * (messages, silences, intent answers, http answers) entirely in process (a fake HttpRequester, timers
 * that move only when told) and checks what the conversation reports against the flow model.
 */

/** What the fake service, the detector and the clock do, drawn by fast-check. */
export interface RuntimeScript {
  /** What the user does at each wait: an index into the candidate answers, or a silence. */
  actions: Array<{ silence: boolean; pick: number }>;
  /** How the detector answers, in turn: 0 none, 1 failure, otherwise one of the block's intents. */
  intents: number[];
  /** How the fake service answers, in turn (an index into SERVICE_ANSWERS). */
  http: number[];
}

/** The value of `{{secret.TOKEN}}`: it must never show up in anything the conversation reports. */
export const SECRET_VALUE = 's3cr3t/Tok en&';

/** Answers of the fake service: every way an answer can go (2xx with or without JSON, errors, failures). */
const SERVICE_ANSWERS: Array<(request: HttpRequest) => HttpAnswer> = [
  () => ({ ok: true, status: 200, body: JSON.stringify({ status: 'shipped', qty: 3, nested: [true], items: [] }) }),
  // Echoes what it was sent: a secret in a saved value must come back masked.
  (request) => ({ ok: true, status: 201, body: JSON.stringify({ status: request.headers.Authorization ?? request.url, qty: '7' }) }),
  () => ({ ok: true, status: 204, body: '' }),
  () => ({ ok: true, status: 200, body: 'not json {' }),
  () => ({ ok: true, status: 200, body: JSON.stringify({ status: null, qty: { a: 1 }, 'a/b': 1e308 }) }),
  () => ({ ok: true, status: 302, body: '' }),
  () => ({ ok: true, status: 404, body: '{"error":"no"}' }),
  () => ({ ok: true, status: 503, body: '' }),
  () => ({ ok: false, error: 'timeout', detail: 'took too long' }),
  (request) => ({ ok: false, error: 'network', detail: `connection refused for ${request.url}` }),
  () => ({ ok: false, error: 'blocked', detail: 'a private address' }),
  () => ({ ok: false, error: 'too_large', detail: 'over 65536 bytes', status: 200 }),
];

/** The port, answering in process from the script; records every request. */
class FakeService implements HttpRequester {
  readonly requests: HttpRequest[] = [];
  private i = 0;
  constructor(private readonly script: number[]) {}
  async request(request: HttpRequest): Promise<HttpAnswer> {
    this.requests.push(request);
    const n = this.script[this.i++ % this.script.length] ?? 0;
    // Answer in a later macrotask sometimes, as a real call would.
    if (n % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
    return (SERVICE_ANSWERS[n % SERVICE_ANSWERS.length] as (r: HttpRequest) => HttpAnswer)(request);
  }
}

/** Answers by script; notes a detection asked for before the user said anything (nothing to classify). */
class ScriptedDetector implements IntentDetector {
  readonly name = 'local' as const;
  private i = 0;
  /** Set to true by the conversation driver once the user has sent a message. */
  userHasWritten = false;
  readonly before: IntentRequest[] = [];
  constructor(private readonly script: number[]) {}
  async detect(request: IntentRequest): Promise<IntentResult> {
    if (!this.userHasWritten) this.before.push(request);
    const n = this.script[this.i++ % this.script.length] ?? 0;
    if (n % 4 === 0) return { intent: 'none', provider: 'local' };
    if (n % 4 === 1) throw new Error('scripted failure');
    const intent = request.intents[n % request.intents.length];
    return { intent: intent?.id ?? 'none', provider: 'local' };
  }
}

/** Timers that fire only when the driver says so, one at a time, earliest first. */
class ManualTimers implements TimerHost {
  private sequence = 0;
  private now = 0;
  private readonly scheduled = new Map<number, { due: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.sequence;
    this.scheduled.set(id, { due: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }
  get pending(): number {
    return this.scheduled.size;
  }
  /** Moves time to the earliest timer and fires it; false when none is scheduled. */
  fireNext(): boolean {
    let next: [number, { due: number; fn: () => void }] | undefined;
    for (const entry of this.scheduled) if (next === undefined || entry[1].due < next[1].due) next = entry;
    if (next === undefined) return false;
    this.scheduled.delete(next[0]);
    this.now = next[1].due;
    next[1].fn();
    return true;
  }
}

/** Texts a user may send at a wait block: its choices, answers of every type, misfits. */
function answersFor(block: Block | undefined): string[] {
  const generic = [
    '42',
    '  7 ',
    '2.5',
    '-1',
    'a@b.co',
    '2024-02-29',
    '31/12/2024',
    '123',
    'abc',
    'yes',
    '',
    'Option 0',
    '{{secret.TOKEN}}',
  ];
  if (block?.type !== 'wait') return generic;
  const choices = (block.choices ?? []).flatMap((c) => [c.label, ` ${(c.value ?? c.label).toUpperCase()} `]);
  return [...choices, ...generic];
}

export interface RuntimeRun {
  flow: Flow;
  turns: Turn[];
  steps: Step[];
  requests: HttpRequest[];
  detectionsBeforeAnyMessage: IntentRequest[];
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Waits, by turning the event loop, until `done()` holds; fails after 10 s of real time (a hang, not
 * a slow machine). Then turns it once more: a delivered turn hands over to the next message or timer
 * in a microtask, and a silence fired before that would be held back (as due) rather than run.
 */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`the conversation did not settle (${what}) within 10 s`);
    await tick();
  }
  await tick();
}

/** Runs `flow` (valid) through the script; up to `maxActions` user actions. */
export async function runConversation(flow: Flow, script: RuntimeScript, maxActions: number): Promise<RuntimeRun> {
  const prepared = prepareFlow(flow);
  if (!prepared.ok) throw new Error(`generated flow refused: ${JSON.stringify(prepared.errors)}`);
  const detector = new ScriptedDetector(script.intents.length > 0 ? script.intents : [0]);
  const service = new FakeService(script.http.length > 0 ? script.http : [0]);
  const timers = new ManualTimers();
  const machine = createFlowMachine(prepared.compiled, {
    detector,
    http: { requester: service, secrets: (name) => (name === FUZZ_SECRET ? SECRET_VALUE : undefined), maxTimeoutMs: 30000 },
  });
  const turns: Turn[] = [];
  const conversation = new Conversation({ machine, timers, onTurn: (turn) => void turns.push(turn) });
  const byId = new Map(flow.blocks.map((b) => [b.id, b]));
  const settled = (): boolean => conversation.status !== 'busy' && conversation.status !== 'new';
  conversation.start();
  await until(() => turns.length >= 1, 'start');
  try {
    for (const [i, action] of script.actions.slice(0, maxActions).entries()) {
      if (turns[turns.length - 1]?.outcome !== 'waiting') break;
      const before = turns.length;
      if (action.silence && timers.pending > 0) {
        timers.fireNext();
        // A silence past the last reprompt changes nothing and reports no turn; any other is busy until its turn.
        await tick();
        await until(() => turns.length > before || settled(), `silence ${i}`);
      } else {
        const candidates = answersFor(byId.get(conversation.blockId ?? ''));
        detector.userHasWritten = true;
        conversation.send(candidates[action.pick % candidates.length] as string);
        await until(() => turns.length > before, `message ${i}`);
      }
    }
  } finally {
    conversation.stop();
  }
  const steps = turns.flatMap((turn) => turn.events.flatMap((e) => (e.type === 'step' ? [e.step] : [])));
  return { flow, turns, steps, requests: service.requests, detectionsBeforeAnyMessage: detector.before };
}

/** The kinds of edge each step event takes (the history's names for the model's edges). */
const EDGE_KINDS: Record<string, Array<BlockEdge['kind']>> = {
  next: ['next'],
  'user.message': ['next'],
  choice: ['choice'],
  'answer.invalid': ['reprompt'],
  'answer.maxTries': ['invalid'],
  silence: ['reprompt'],
  'silence.maxTimes': ['silence'],
  'condition.case': ['case'],
  'condition.else': ['else'],
  'intent.matched': ['intent'],
  'intent.noMatch': ['noMatch'],
  'intent.maxNoMatch': ['maxNoMatch'],
  'intent.error': ['error'],
  'http.ok': ['next'],
  'http.error': ['error'],
};

/**
 * Every invariant of a run; throws with what broke. The steps must walk the block graph that
 * validation checked (each one an edge of outgoingEdges, each starting where the last one ended).
 */
export function checkRun(run: RuntimeRun): void {
  const byId = new Map(run.flow.blocks.map((b) => [b.id, b]));
  const fail = (what: string): never => {
    throw new Error(what);
  };
  let at: string | null = null;
  // What the model says the path so far has certainly assigned (what variable_maybe_unset builds on).
  const assigned = new Set<string>();
  const inventory = variableInventory(blockEntries(run.flow));
  // What the model's assignments along the path taken add up to, http saves included: the dataflow
  // analysis claims no more than this on entry to any block (it is one of the paths it meets over).
  const alongPath = new Set<string>();
  const setOnEveryPath = variablesSetOnEveryPath(run.flow);
  const unreachable = new Set(
    validateFlow(run.flow)
      .warnings.filter((w) => w.code === 'unreachable_block')
      .map((w) => run.flow.blocks[Number(w.path.split('/')[2])]?.id),
  );
  // The counts "in a row" the language defines, kept from the steps alone: no-matches per intent block
  // (kept across visits, reset by a match or by onMaxNoMatch), misfits and silences per wait block
  // (reset by any way out of it; a misfit also resets the silences).
  const noMatches = new Map<string, number>();
  const misfits = new Map<string, number>();
  const silences = new Map<string, number>();
  const counted = (counts: Map<string, number>, id: string): number => counts.get(id) ?? 0;
  const expectCount = (step: Step, what: string, count: number, max: number | undefined, limitReached: boolean): void => {
    if (max === undefined) return;
    if (limitReached !== count + 1 >= max) fail(`${JSON.stringify(step)} after ${count} ${what} in a row with a limit of ${max}`);
  };
  const checkCount = (block: Block, step: Step): void => {
    const id = block.id;
    if (block.type === 'intent') {
      const max = block.onMaxNoMatch !== undefined ? block.maxNoMatch : undefined;
      if (step.event === 'intent.noMatch' || step.event === 'intent.maxNoMatch')
        expectCount(step, 'no-matches', counted(noMatches, id), max, step.event === 'intent.maxNoMatch');
      if (step.event === 'intent.noMatch') noMatches.set(id, counted(noMatches, id) + 1);
      else if (step.event !== 'intent.error') noMatches.delete(id);
    }
    if (block.type !== 'wait') return;
    if (step.event === 'answer.invalid' || step.event === 'answer.maxTries') {
      const max = block.invalid?.next !== undefined ? (block.invalid.maxTries ?? DEFAULT_MAX_TRIES) : undefined;
      expectCount(step, 'misfits', counted(misfits, id), max, step.event === 'answer.maxTries');
    }
    if (step.event === 'silence' || step.event === 'silence.maxTimes') {
      const max = block.noReply?.next !== undefined ? (block.noReply.maxTimes ?? DEFAULT_MAX_SILENCES) : undefined;
      expectCount(step, 'silences', counted(silences, id), max, step.event === 'silence.maxTimes');
      if (
        step.event === 'silence' &&
        block.noReply?.next === undefined &&
        counted(silences, id) >= (block.noReply?.maxTimes ?? DEFAULT_MAX_SILENCES)
      )
        fail(`${JSON.stringify(step)}: a reprompt after the last of ${block.noReply?.maxTimes ?? DEFAULT_MAX_SILENCES} silences`);
    }
    if (step.event === 'answer.invalid') {
      misfits.set(id, counted(misfits, id) + 1);
      silences.delete(id);
    } else if (step.event === 'silence') {
      silences.set(id, counted(silences, id) + 1);
    } else {
      misfits.delete(id);
      silences.delete(id);
    }
  };
  const walk = (step: Step): void => {
    if (step.event === 'start') {
      if (step.from !== null || step.to !== run.flow.start) fail(`start step ${JSON.stringify(step)}`);
      at = step.to;
      return;
    }
    if (step.from !== at) fail(`step ${JSON.stringify(step)} does not start where the last one ended ("${at}")`);
    const kinds = EDGE_KINDS[step.event] ?? fail(`unknown step event ${JSON.stringify(step)}`);
    const block = byId.get(step.from as string) as Block;
    const edges = outgoingEdges(block).filter((edge) => kinds.includes(edge.kind) && edge.to === step.to);
    const edge =
      (step.event === 'choice' ? edges.find((e) => e.kind === 'choice' && e.value === step.choice) : edges[0]) ??
      fail(`step ${JSON.stringify(step)} takes no edge of the model (${JSON.stringify(outgoingEdges(block))})`);
    for (const { name } of assignmentsAlong(block as unknown as Record<string, unknown>, edge)) {
      alongPath.add(name);
      // A save pointer that finds nothing leaves its variable unset (documented): only `$status` is certain.
      if (block.type === 'http' && block.save?.[name] !== '$status') assigned.delete(name);
      else assigned.add(name);
    }
    checkCount(block, step);
    if (unreachable.has(step.to)) fail(`the conversation reached "${step.to}", which validation called unreachable`);
    for (const name of setOnEveryPath.get(step.to) ?? fail(`the analysis has no entry for "${step.to}", which the conversation reached`)) {
      if (!alongPath.has(name)) fail(`the analysis says "${name}" is set on every path to "${step.to}", but this path did not set it`);
    }
    at = step.to;
  };
  for (const turn of run.turns) {
    for (const event of turn.events) if (event.type === 'step') walk(event.step);
    for (const name of assigned) {
      if (!Object.hasOwn(turn.variables, name))
        fail(`the model says "${name}" is set by now, but it is not: ${JSON.stringify(turn.variables)}`);
    }
    for (const name of Object.keys(turn.variables)) {
      if (!inventory.has(name)) fail(`variable "${name}" is set, but neither the runtime nor a block of the flow sets it`);
    }
    if (turn.outcome === 'failed') fail(`a turn failed: ${JSON.stringify(turn.events)}`);
    const block = byId.get(turn.blockId ?? '');
    if (turn.outcome === 'waiting' && block?.type !== 'wait') fail(`waits at ${JSON.stringify(turn.blockId)}, not a wait block`);
    if (turn.outcome === 'ended' && block?.type !== 'end') fail(`ended at ${JSON.stringify(turn.blockId)}, not an end block`);
    for (const [name, value] of Object.entries(turn.variables)) {
      const scalar = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      if (!scalar) fail(`variable ${name} holds ${JSON.stringify(value)}, not a JSON scalar`);
    }
    const context = (turn.snapshot as { context?: Record<string, unknown> } | null)?.context;
    for (const counts of ['noMatchCounts', 'invalidCounts', 'silenceCounts']) {
      for (const [blockId, value] of Object.entries((context?.[counts] as Record<string, unknown> | undefined) ?? {})) {
        if (!Number.isInteger(value) || (value as number) < 0) fail(`${counts}["${blockId}"] is ${JSON.stringify(value)}`);
      }
    }
  }
  const reported = JSON.stringify({ turns: run.turns.map((t) => ({ events: t.events, variables: t.variables })) });
  for (const form of [SECRET_VALUE, encodeURIComponent(SECRET_VALUE)]) {
    if (reported.includes(form)) fail(`the secret (${form}) shows up in what the conversation reports`);
  }
  if (run.detectionsBeforeAnyMessage.length > 0)
    fail(`intent detection ran before the user said anything: ${JSON.stringify(run.detectionsBeforeAnyMessage.map((r) => r.text))}`);
  for (const request of run.requests) checkRequest(request);
}

/** What the runtime sends: a URL on the block's own host, no line breaks in headers, JSON bodies, capped timeouts. */
function checkRequest(request: HttpRequest): void {
  const fail = (what: string): never => {
    throw new Error(`${what}: ${JSON.stringify({ ...request, signal: undefined })}`);
  };
  if (!/^https?:\/\/(svc\.example\.com|127\.0\.0\.1:8080|\[::1\]:9)\//i.test(request.url)) fail('the request leaves the host of its block');
  if (/[^\x21-\x7e]|["<>\\^`{|}]/u.test(request.url)) fail('the URL holds characters a request line cannot carry');
  const controls = (text: string): boolean => [...text].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\x7f');
  for (const [name, value] of Object.entries(request.headers)) if (controls(name + value)) fail('a header holds a line break or a control');
  if (request.method === 'GET' && request.body !== undefined) fail('a GET with a body');
  if (request.body !== undefined) JSON.parse(request.body);
  if (!(request.timeoutMs >= 1 && request.timeoutMs <= 30000)) fail('the timeout is not capped');
}
