import { type AnyMachineSnapshot, type AnyStateMachine, type EventObject, initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { CompiledFlow } from '../flow/compile';
import { DEFAULT_MAX_SILENCES, DEFAULT_MAX_TRIES } from '../flow/edges';
import type { FlowContext } from '../flow/machine-config';
import { foldText } from '../flow/semantics';
import { NO_INTENT, type Block, type HttpBlock, type IntentBlock, type Scalar, type WaitBlock } from '../flow/types';
import type { IntentDetector } from '../intent/detector';
import { createFlowMachine, type DetectionOutput } from '../runtime/flow-machine';
import type { HttpCallOutput } from '../runtime/http-call';
import { botText } from './bot-text';
import { conditionLiterals, conditionValues, conditionVariables, waitTexts, type WaitTexts } from './answer-texts';
import { httpOutcomes, mockOf } from './http-outcomes';
import { runConversationTest, type Segment } from './run-test';
import { runSuite } from './run-suite';
import type { ConversationTest, HttpMock, TestStep, TestSuite } from './test-document';
import { type Coverage, machineTransitions, transitionKey, transitionLabel, type MachineTransition, transitionOfStep } from './transitions';

/** A transition generation could not take, and why. */
export interface Unreachable {
  transition: string;
  reason: string;
}

export interface GeneratedSuite {
  suite: TestSuite;
  coverage: Coverage;
  unreachable: Unreachable[];
}

export interface GenerateOptions {
  /** Most states the traversal visits before it explores a coarser graph (default 4000). */
  maxStates?: number;
}

/** The events generation sends: a user message, a scripted detection, an http call's outcome, a silence. */
type GraphEvent =
  | { type: 'user.message'; text: string }
  | { type: `xstate.done.actor.http-${string}`; output: HttpCallOutput }
  | { type: `xstate.done.actor.${string}`; output: DetectionOutput }
  | { type: `xstate.error.actor.${string}`; error: Error }
  | { type: `xstate.after.${string}` };

const DETECTION_FAILURE = 'detection failed';
/** States explored before generation falls back to a coarser graph (see serializeState). */
const DEFAULT_MAX_STATES = 4000;
/** The user text before a detection the test scripts as `none` or as a failure. */
const UNCLEAR_TEXTS = ['I would like something else', 'hmm', 'something else'];

/**
 * Numbers and texts in a state key are clamped, so that counters (`tries + 1`) and growing texts cannot
 * make the graph infinite: a number only matters near the numbers conditions compare with.
 */
function clamper(literals: readonly string[]): (value: unknown) => unknown {
  const numbers = literals.map(Number).filter(Number.isFinite);
  const low = Math.min(-1, ...numbers) - 2;
  const high = Math.max(1, ...numbers) + 2;
  return (value) => {
    if (typeof value === 'number') return Math.max(low, Math.min(high, value));
    if (typeof value === 'string') return value.slice(0, 40);
    return value;
  };
}

/** A never-called detector: the traversal answers detections with done/error events of its own. */
const NO_DETECTOR: IntentDetector = {
  name: 'local',
  detect: () => Promise.reject(new Error('generation answers detections itself')),
};

function stepTransitions(actions: ReadonlyArray<{ type: string; params?: unknown }>): MachineTransition[] {
  const found: MachineTransition[] = [];
  for (const action of actions) {
    const event = (action.params as { event?: { type?: string } } | undefined)?.event;
    if (action.type !== 'xstate.emit' || event?.type !== 'step') continue;
    const taken = transitionOfStep(event as unknown as Parameters<typeof transitionOfStep>[0]);
    if (taken) found.push(taken);
  }
  return found;
}

interface Candidate {
  events: GraphEvent[];
  keys: Set<string>;
}

/**
 * Writes conversation tests that together take every transition of a flow's compiled machine it can
 * reach: the machine's graph is explored with `xstate/graph` (shortest paths to every state, where a
 * state is a block plus the counters and variables that guards read), each path is extended by one
 * event to take the transitions out of its state, and a greedy cover keeps the fewest paths that take
 * them all. Detections are scripted, silences are virtual; each test's expectations are then recorded
 * by running it on the real runtime, so every generated test passes as written.
 */
export async function generateTests(compiled: CompiledFlow, options: GenerateOptions = {}): Promise<GeneratedSuite> {
  const flow = compiled.flow;
  const blocks = new Map<string, Block>(flow.blocks.map((b) => [b.id, b]));
  const machine: AnyStateMachine = createFlowMachine(compiled, { detector: NO_DETECTOR });
  const literals = conditionLiterals(flow);
  const guardVariables = [...conditionVariables(flow)];
  const texts = new Map<string, WaitTexts>();
  for (const block of flow.blocks) {
    if (block.type !== 'wait') continue;
    texts.set(block.id, waitTexts(block, intentTextsAfter(block, blocks), literals));
  }
  const values = conditionValues(flow);
  const outcomes = new Map<string, GraphEvent[]>();
  for (const block of flow.blocks) if (block.type === 'http') outcomes.set(block.id, httpEvents(block, values));

  const eventsAt = (snapshot: AnyMachineSnapshot): GraphEvent[] => {
    if (snapshot.status !== 'active') return [];
    const block = blocks.get(snapshot.value as string);
    if (block?.type === 'wait') return waitEvents(block, texts.get(block.id) ?? { fitting: [] });
    if (block?.type === 'intent') return intentEvents(block);
    if (block?.type === 'http') return outcomes.get(block.id) ?? [];
    return [];
  };
  const caps = countCaps(flow.blocks);
  const clamp = clamper(literals);
  /** Without the variables, when the state graph with them is too large: coarser, always finite. */
  let keyVariables = guardVariables;
  const serializeState = (snapshot: AnyMachineSnapshot): string => {
    const context = snapshot.context as FlowContext;
    return JSON.stringify([
      snapshot.value,
      snapshot.status,
      capped(context.noMatchCounts, caps.noMatch),
      capped(context.invalidCounts, caps.invalid),
      capped(context.silenceCounts, caps.silence),
      keyVariables.map((name) => (Object.hasOwn(context.variables, name) ? clamp(context.variables[name]) : null)),
    ]);
  };
  const serializeEvent = (event: EventObject): string => {
    const e = event as GraphEvent & { text?: string; output?: DetectionOutput | HttpCallOutput };
    const output =
      e.output && 'intent' in e.output ? e.output.intent : e.output && [e.output.ok, e.output.status, e.output.error, e.output.saved];
    return JSON.stringify([e.type, e.text ?? output ?? null]);
  };

  const [initial, initialActions] = initialTransition(machine);
  const startKeys = new Set(stepTransitions(initialActions).map(transitionKey));
  const explore = (): ReturnType<typeof getShortestPaths<AnyStateMachine>> =>
    getShortestPaths(machine, {
      events: eventsAt as (s: AnyMachineSnapshot) => EventObject[],
      serializeState: serializeState as (s: AnyMachineSnapshot) => string,
      serializeEvent,
      limit: options.maxStates ?? DEFAULT_MAX_STATES,
    });
  let paths;
  try {
    paths = explore();
  } catch {
    // Too many distinct variable values: explore blocks and counters only (a finite graph).
    keyVariables = [];
    try {
      paths = explore();
    } catch (err) {
      throw new Error(`the flow has too many states to explore (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  // Every path to a state, extended by each event possible there: the candidates, with what they take.
  const candidates: Candidate[] = [];
  for (const path of paths) {
    const events = path.steps.map((s) => s.event as GraphEvent).filter((e) => (e.type as string) !== 'xstate.init');
    const keys = new Set(startKeys);
    let snapshot: AnyMachineSnapshot = initial;
    for (const event of events) {
      const [next, actions] = transition(machine, snapshot, event);
      for (const t of stepTransitions(actions)) keys.add(transitionKey(t));
      snapshot = next;
    }
    for (const event of eventsAt(path.state as AnyMachineSnapshot)) {
      const [, actions] = transition(machine, path.state as AnyMachineSnapshot, event);
      const extended = new Set(keys);
      for (const t of stepTransitions(actions)) extended.add(transitionKey(t));
      candidates.push({ events: [...events, event], keys: extended });
    }
  }

  // Greedy cover: the candidate that takes most transitions not yet taken; the shorter on a tie.
  const all = machineTransitions(compiled.config);
  const covered = new Set<string>(startKeys);
  const chosen: Candidate[] = [];
  for (;;) {
    let best: Candidate | undefined;
    let bestGain = 0;
    for (const candidate of candidates) {
      let gain = 0;
      for (const key of candidate.keys) if (!covered.has(key)) gain++;
      if (gain > bestGain || (gain === bestGain && gain > 0 && best && candidate.events.length < best.events.length)) {
        best = candidate;
        bestGain = gain;
      }
    }
    if (!best) break;
    for (const key of best.keys) covered.add(key);
    chosen.push(best);
  }
  if (chosen.length === 0) chosen.push({ events: [], keys: new Set(startKeys) });

  const stepContext: StepContext = { machine, initial, blocks, texts, guardVariables: new Set(guardVariables) };
  const tests: ConversationTest[] = [];
  const named = new Set<string>();
  const labelled = new Set<string>([...startKeys]);
  for (const candidate of chosen) {
    const { steps: actions, mocks } = actionSteps(candidate.events, stepContext);
    const recorded = await runConversationTest(
      { name: 'recording', steps: actions, ...mocks },
      { compiled, localDetector: () => NO_DETECTOR },
      'scripted',
    );
    if (!recorded.passed) continue;
    const fresh = all.filter((t) => !labelled.has(transitionKey(t)) && candidate.keys.has(transitionKey(t)));
    for (const t of fresh) labelled.add(transitionKey(t));
    let name = fresh.length ? transitionLabel(fresh[0] as MachineTransition) : 'starts and waits';
    if (fresh.length > 1) name += ` and ${fresh.length - 1} more`;
    while (named.has(name)) name += ' (again)';
    named.add(name);
    tests.push({ name, steps: withExpectations(actions, recorded.segments), ...mocks });
  }

  const suite: TestSuite = { intents: 'scripted', tests };
  const run = await runSuite(suite, { compiled, localDetector: () => NO_DETECTOR });
  const reached = new Set<string>([flow.start]);
  for (const candidate of candidates) for (const key of candidate.keys) reached.add(key.split('\u0000')[1] as string);
  const coverage: Coverage = {
    ratio: run.summary.coverage,
    taken: all.length - run.summary.uncovered.length,
    total: all.length,
    uncovered: run.summary.uncovered,
  };
  const uncoveredKeys = new Set(run.summary.uncovered);
  const unreachable = all
    .filter((t) => uncoveredKeys.has(transitionLabel(t)))
    .map((t) => ({ transition: transitionLabel(t), reason: whyUnreachable(t, reached, blocks, texts) }));
  return { suite, coverage, unreachable };
}

interface CountCaps {
  noMatch: Map<string, number>;
  invalid: Map<string, number>;
  silence: Map<string, number>;
}

/**
 * How far each counter in a row matters to the guards: beyond `maxNoMatch`, `maxTries` (when there is
 * an `invalid.next`) or `maxTimes` (plus the stop after it), a higher count behaves the same, so the
 * state key holds it capped; otherwise a block that keeps asking would make the graph infinite.
 */
function countCaps(blocks: readonly Block[]): CountCaps {
  const caps: CountCaps = { noMatch: new Map(), invalid: new Map(), silence: new Map() };
  for (const block of blocks) {
    if (block.type === 'intent') caps.noMatch.set(block.id, block.maxNoMatch ?? 0);
    if (block.type !== 'wait') continue;
    caps.invalid.set(block.id, block.invalid?.next !== undefined ? (block.invalid.maxTries ?? DEFAULT_MAX_TRIES) : 0);
    if (block.noReply) {
      const max = block.noReply.maxTimes ?? DEFAULT_MAX_SILENCES;
      caps.silence.set(block.id, block.noReply.next !== undefined ? max : max + 1);
    }
  }
  return caps;
}

function capped(counts: Record<string, number> | undefined, caps: ReadonlyMap<string, number>): Array<[string, number]> {
  return Object.entries(counts ?? {})
    .map(([id, n]): [string, number] => [id, Math.min(n, caps.get(id) ?? 0)])
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The examples (else descriptions) of the intent block a wait block's answer goes to. */
function intentTextsAfter(block: WaitBlock, blocks: ReadonlyMap<string, Block>): string[] {
  const next = blocks.get(block.next);
  if (next?.type !== 'intent') return [];
  return next.intents.map((i) => i.examples?.[0] ?? i.description);
}

function waitEvents(block: WaitBlock, texts: WaitTexts): GraphEvent[] {
  const events: GraphEvent[] = (block.choices ?? []).map((c) => ({ type: 'user.message' as const, text: c.value ?? c.label }));
  for (const text of texts.fitting) events.push({ type: 'user.message', text });
  if (texts.misfit !== undefined) events.push({ type: 'user.message', text: texts.misfit });
  if (block.noReply) events.push({ type: `xstate.after.${block.noReply.afterSeconds * 1000}.flow.${block.id}` });
  return events;
}

function httpEvents(block: HttpBlock, values: ReadonlyMap<string, readonly Scalar[]>): GraphEvent[] {
  return httpOutcomes(block, values).map((output) => ({ type: `xstate.done.actor.http-${block.id}` as const, output }));
}

function intentEvents(block: IntentBlock): GraphEvent[] {
  const done = (intent: string): GraphEvent => ({
    type: `xstate.done.actor.detect-${block.id}`,
    output: { intent, provider: 'local', latencyMs: 0 },
  });
  return [
    ...block.intents.map((i) => done(i.id)),
    done(NO_INTENT),
    { type: `xstate.error.actor.detect-${block.id}`, error: new Error(DETECTION_FAILURE) },
  ];
}

/**
 * The graph's events as test steps (user texts, choices, scripted intents, silences) and the http
 * outcomes as mocks, one per call in order; replayed to know each block.
 */
function actionSteps(events: readonly GraphEvent[], context: StepContext): { steps: TestStep[]; mocks: Pick<ConversationTest, 'mocks'> } {
  const steps: TestStep[] = [];
  // A Map: a block may be called "constructor", which a plain object already has.
  const http = new Map<string, HttpMock[]>();
  let snapshot = context.initial;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as GraphEvent;
    const block = context.blocks.get(snapshot.value as string);
    if (event.type === 'user.message') {
      const { text } = event as { text: string };
      const choice = block?.type === 'wait' ? (block.choices ?? []).find((c) => (c.value ?? c.label) === text) : undefined;
      if (choice) steps.push({ choice: choice.value ?? choice.label });
      else steps.push({ user: block?.type === 'wait' ? readableText(block, text, events[i + 1], context) : text });
    } else if (block?.type === 'http' && event.type.startsWith('xstate.done.actor.')) {
      http.set(block.id, [...(http.get(block.id) ?? []), mockOf(block, (event as { output: HttpCallOutput }).output)]);
    } else if (event.type.startsWith('xstate.done.actor.')) {
      steps.push({ intent: (event as { output: DetectionOutput }).output.intent });
    } else if (event.type.startsWith('xstate.error.actor.')) {
      steps.push({ intent: { error: DETECTION_FAILURE } });
    } else if (event.type.startsWith('xstate.after.')) {
      steps.push({ silence: Number(event.type.split('.')[2]) / 1000 });
    }
    snapshot = transition(context.machine, snapshot, event)[0];
  }
  return { steps, mocks: http.size > 0 ? { mocks: { http: Object.fromEntries(http) } } : {} };
}

interface StepContext {
  machine: AnyStateMachine;
  initial: AnyMachineSnapshot;
  blocks: ReadonlyMap<string, Block>;
  texts: ReadonlyMap<string, WaitTexts>;
  guardVariables: ReadonlySet<string>;
}

/**
 * A user text before a scripted detection reads better as what it stands for: the matched intent's
 * example (else its description), or an unclear text before `none` or a failure. Only where the text
 * changes nothing else: a plain text answer that no condition reads and that is not one of the choices.
 */
function readableText(block: WaitBlock, text: string, next: GraphEvent | undefined, context: StepContext): string {
  const intentBlock = context.blocks.get(block.next);
  const plain = block.expect === undefined || block.expect.type === 'text';
  const read = context.guardVariables.has('lastMessage') || (block.saveAs !== undefined && context.guardVariables.has(block.saveAs));
  if (!plain || read || intentBlock?.type !== 'intent' || next === undefined || text !== context.texts.get(block.id)?.fitting[0])
    return text;
  let wanted: string[] = UNCLEAR_TEXTS;
  if (next.type === `xstate.done.actor.detect-${intentBlock.id}`) {
    const option = intentBlock.intents.find((i) => i.id === (next as { output: DetectionOutput }).output.intent);
    if (option) wanted = [...(option.examples ?? []), option.description];
  } else if (next.type !== `xstate.error.actor.detect-${intentBlock.id}`) {
    return text;
  }
  const choices = (block.choices ?? []).flatMap((c) => [foldText(c.label), foldText(c.value ?? c.label)]);
  return wanted.find((w) => w.trim() !== '' && w.length <= 2000 && !choices.includes(foldText(w))) ?? text;
}

function expectations(segment: Segment | undefined): TestStep[] {
  if (!segment) return [];
  const steps: TestStep[] = [];
  for (const event of segment.events) if (event.type === 'bot_message') steps.push({ bot: botText(event.text) });
  if (segment.outcome === 'waiting' && segment.blockId !== null) steps.push({ waiting: segment.blockId });
  if (segment.outcome === 'ended' && segment.blockId !== null) steps.push({ end: segment.blockId });
  return steps;
}

/** The action steps with what the recording run saw after the start and after each action. */
function withExpectations(actions: readonly TestStep[], segments: readonly Segment[]): TestStep[] {
  const steps: TestStep[] = [...expectations(segments[0])];
  let segment = 1;
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i] as TestStep;
    steps.push(action);
    if (action.intent !== undefined) continue;
    // The intent steps that script this action's detections go right after it.
    while (actions[i + 1]?.intent !== undefined) steps.push(actions[++i] as TestStep);
    steps.push(...expectations(segments[segment++]));
  }
  return steps;
}

function whyUnreachable(
  t: MachineTransition,
  reached: ReadonlySet<string>,
  blocks: ReadonlyMap<string, Block>,
  texts: ReadonlyMap<string, WaitTexts>,
): string {
  if (!reached.has(t.from)) return `block "${t.from}" is never reached from the start`;
  const block = blocks.get(t.from);
  if (t.event === 'condition.else') return `a case of "${t.from}" holds for every answer generation tries: the else may never be taken`;
  if (t.event === 'condition.case')
    return `no answer generation tries makes case ${t.detail ?? ''} of "${t.from}" hold; write this test by hand`;
  if (block?.type === 'wait') {
    const tried = texts.get(block.id);
    if ((t.event === 'user.message' || t.event === 'answer.maxTries' || t.event === 'answer.invalid') && tried) {
      const what = t.event === 'user.message' ? 'fits' : 'does not fit';
      return `no sample answer ${what} the expected ${block.expect?.type ?? 'text'} answer of "${block.id}"; write this test by hand`;
    }
  }
  if (block?.type === 'http') return `no mocked answer generation tries at "${block.id}" takes it; write this test by hand`;
  return 'no sequence of answers, detections, http answers and silences generation explored takes it';
}
