import type { AnyStateMachine } from 'xstate';
import type { CompiledFlow } from '../flow/compile';
import { FLOW_SCHEMA_CAPS } from '../flow/schema-caps';
import type { Step } from '../flow/step';
import type { Scalar } from '../flow/types';
import type { IntentDetector } from '../intent/detector';
import { Conversation } from '../runtime/conversation';
import type { ConversationEvent, Turn } from '../runtime/events';
import { createFlowMachine } from '../runtime/flow-machine';
import type { Clock } from '../util/clock';
import { ScriptedDetector, type ScriptedAnswer } from './scripted-detector';
import { ACTION_KINDS, type ConversationTest, type IntentMode, stepKind, type TestStep } from './test-document';
import { VirtualTimers } from './virtual-timers';
import { MockedHttp } from './http-mocks';
import { userMessageText } from '../util/user-text';
import { describeExpectedText, textMatches } from './text-match';

/** Where and why a test failed: the step, what it expected and what came instead. */
export interface TestFailure {
  /** Index of the failing step in the test's `steps` (-1: at the start, before the first step; `steps.length`: after the last step). */
  step: number;
  /** The step as written. */
  action: TestStep | null;
  expected: string;
  actual: string;
}

export interface TestResult {
  name: string;
  passed: boolean;
  failure?: TestFailure;
  /** Every move the conversation made, for coverage. */
  steps: Step[];
  /** Every event of the conversation in order. */
  events: ConversationEvent[];
  /**
   * What came of the start and of each action step, in order (generation writes its expectations
   * from them): the events, and where the conversation was after them.
   */
  segments: Segment[];
}

export interface Segment {
  events: ConversationEvent[];
  outcome: Turn['outcome'] | undefined;
  blockId: string | null;
}

/** What running tests needs of a flow: its compiled form, and a machine per intent mode. */
export interface TestTarget {
  compiled: CompiledFlow;
  /** The local classifier for `"intents": "local"` files (one per process: it caches per block). */
  localDetector: () => IntentDetector;
}

/** A conversation of the flow's real machine, driven step by step on a virtual clock. */
class Driver {
  readonly turns: Turn[] = [];
  readonly conversation: Conversation;
  readonly timers = new VirtualTimers();
  private waiters: Array<() => void> = [];

  constructor(machine: AnyStateMachine) {
    const base = Date.UTC(2026, 0, 1);
    const clock: Clock = { now: () => new Date(base + this.timers.now), monotonic: () => this.timers.now };
    this.conversation = new Conversation({
      machine,
      clock,
      timers: this.timers,
      onTurn: (turn) => {
        this.turns.push(turn);
        for (const wake of this.waiters.splice(0)) wake();
      },
    });
  }

  get last(): Turn | undefined {
    return this.turns.at(-1);
  }

  /** Waits until the turn started by the last action is delivered and the conversation is at rest. */
  async settle(): Promise<void> {
    while (this.conversation.status === 'busy' || this.conversation.status === 'new') {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    // The conversation takes its next message (or parks) in a microtask after a delivery.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

/** Where the conversation is, in words, for "what came instead". */
function whereItIs(turn: Turn | undefined): string {
  if (!turn) return 'the conversation has not reached a stable point';
  if (turn.outcome === 'ended') return `the conversation ended at "${turn.blockId ?? ''}"`;
  if (turn.outcome === 'failed') {
    const error = turn.events.find((e) => e.type === 'error');
    return `the conversation failed${error && error.type === 'error' ? `: ${error.message}` : ''}`;
  }
  return `the flow waits at "${turn.blockId ?? ''}"`;
}

function scriptedAnswers(steps: readonly TestStep[], from: number): ScriptedAnswer[] {
  const answers: ScriptedAnswer[] = [];
  for (let i = from; i < steps.length; i++) {
    const step = steps[i] as TestStep;
    const kind = stepKind(step);
    if (ACTION_KINDS.has(kind)) break;
    if (step.intent !== undefined) answers.push(typeof step.intent === 'string' ? { intent: step.intent } : { error: step.intent.error });
  }
  return answers;
}

/**
 * Runs one conversation test on the flow's own compiled machine and runtime (the server's), with
 * intents scripted or detected by the local classifier, and time on a virtual clock. Stops at the
 * first step that fails, like a test runner's assertion.
 */
export async function runConversationTest(test: ConversationTest, target: TestTarget, mode: IntentMode): Promise<TestResult> {
  const scripted = mode === 'scripted' ? new ScriptedDetector() : undefined;
  const detector = scripted ?? target.localDetector();
  // http blocks call through the port the server gives its guarded client to; here mocks answer.
  const http = new MockedHttp(test.mocks?.http ?? {});
  const driver = new Driver(
    createFlowMachine(target.compiled, { detector, http: { requester: http, maxTimeoutMs: FLOW_SCHEMA_CAPS.httpTimeoutMs } }),
  );
  const events: ConversationEvent[] = [];
  /** What the conversation did since the last action and the steps have not checked yet. */
  let botQueue: string[] = [];
  let detections: Step[] = [];
  let seenTurns = 0;
  const segments: Segment[] = [];
  const takeTurns = (): void => {
    const segment: Segment = { events: [], outcome: driver.last?.outcome, blockId: driver.last?.blockId ?? null };
    segments.push(segment);
    for (const turn of driver.turns.slice(seenTurns)) {
      for (const event of turn.events) {
        events.push(event);
        segment.events.push(event);
        if (event.type === 'bot_message') botQueue.push(event.text);
        if (event.type === 'step' && event.step.event.startsWith('intent.')) detections.push(event.step);
      }
    }
    seenTurns = driver.turns.length;
  };
  const result = (failure?: TestFailure): TestResult => {
    driver.conversation.stop();
    const steps = events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
    return { name: test.name, passed: failure === undefined, ...(failure ? { failure } : {}), steps, events, segments };
  };
  const fail = (index: number, expected: string, actual: string): TestResult =>
    result({ step: index, action: test.steps[index] ?? null, expected, actual });

  // Mocks answer http blocks; a mock for a block that is not one would silently test nothing.
  const mocked = Object.keys(test.mocks?.http ?? {});
  const httpBlocks = new Set(target.compiled.flow.blocks.filter((b) => (b.type as string) === 'http').map((b) => b.id));
  const stray = mocked.find((id) => !httpBlocks.has(id));
  if (stray !== undefined) return fail(-1, `an http block "${stray}" to mock`, `the flow has no http block "${stray}"`);
  if (scripted) scripted.script(scriptedAnswers(test.steps, 0));
  driver.conversation.start();
  await driver.settle();
  takeTurns();
  const refused = http.firstProblem();
  if (refused) return fail(-1, refused.expected, refused.actual);
  if (scripted?.problem) return fail(-1, 'no intent detection before the first step', scripted.problem.message);

  for (let index = 0; index < test.steps.length; index++) {
    const step = test.steps[index] as TestStep;
    const kind = stepKind(step);
    const last = driver.last;
    if (ACTION_KINDS.has(kind)) {
      if (last?.outcome !== 'waiting') return fail(index, 'a conversation waiting for the user', whereItIs(last));
      botQueue = [];
      detections = [];
      if (scripted) scripted.script(scriptedAnswers(test.steps, index + 1));
      if (step.user !== undefined) {
        // As the server takes a message frame: control characters removed, trimmed (`"  9 "` is `9`).
        driver.conversation.send(userMessageText(step.user));
        await driver.settle();
      } else if (step.choice !== undefined) {
        const offered = driver.conversation.choices;
        const choice = offered.find((c) => c.value === step.choice) ?? offered.find((c) => c.label === step.choice);
        if (!choice) {
          const options = offered.length ? offered.map((c) => show(c.value)).join(', ') : 'none';
          return fail(index, `a choice ${show(step.choice)} at "${last.blockId ?? ''}"`, `the choices offered are ${options}`);
        }
        driver.conversation.send(choice.value);
        await driver.settle();
      } else if (step.silence !== undefined) {
        await driver.timers.advance(step.silence * 1000, () => driver.settle());
      }
      takeTurns();
      const unanswered = http.firstProblem();
      if (unanswered) return fail(index, unanswered.expected, unanswered.actual);
      if (scripted?.problem) return fail(index, 'every detection scripted by an intent step', scripted.problem.message);
      continue;
    }
    if (step.bot !== undefined) {
      const said = botQueue.shift();
      const expected = `the bot to say ${describeExpectedText(step.bot)}`;
      if (said === undefined) return fail(index, expected, `the bot said nothing more (${whereItIs(last)})`);
      if (!textMatches(step.bot, said)) return fail(index, expected, `it said ${show(said)}`);
    } else if (step.waiting !== undefined) {
      if (last?.outcome !== 'waiting' || last.blockId !== step.waiting)
        return fail(index, `the flow to wait at "${step.waiting}"`, whereItIs(last));
    } else if (step.end !== undefined) {
      const at = step.end === true ? undefined : step.end;
      if (last?.outcome !== 'ended' || (at !== undefined && last.blockId !== at)) {
        return fail(index, `the conversation to end${at !== undefined ? ` at "${at}"` : ''}`, whereItIs(last));
      }
    } else if (step.variables !== undefined) {
      const actual = last?.variables ?? {};
      for (const [name, value] of Object.entries(step.variables)) {
        const has = Object.hasOwn(actual, name);
        const got: Scalar | undefined = has ? actual[name] : undefined;
        if (value === null ? has : got !== value) {
          return fail(index, `${name} = ${value === null ? 'unset' : show(value)}`, `${name} = ${has ? show(got) : 'unset'}`);
        }
      }
    } else if (step.intent !== undefined) {
      const detection = detections.shift();
      const wanted = typeof step.intent === 'string' ? `a detection answering ${show(step.intent)}` : 'a detection that fails';
      if (!detection) return fail(index, wanted, 'no (further) intent detection happened');
      const failedDetection = detection.event === 'intent.error' && detection.intent === undefined;
      if (typeof step.intent === 'string' ? detection.intent !== step.intent : !failedDetection) {
        const came = failedDetection ? `the detection failed (${detection.error ?? 'error'})` : `it answered ${show(detection.intent)}`;
        return fail(index, wanted, `${came} at "${detection.from ?? ''}"`);
      }
    }
  }
  const unused = http.unused();
  if (unused) return fail(test.steps.length, unused.expected, unused.actual);
  return result();
}
