import { type AnyActorRef, type AnyStateMachine, assign, emit, fromPromise, setup } from 'xstate';
import type { CompiledFlow } from '../flow/compile';
import type { FlowContext } from '../flow/machine-config';
import { applyAssignments, foldText, holds, parseAnswer, PatternCache } from '../flow/semantics';
import { renderTemplate, scalarText } from '../flow/template';
import type { Step } from '../flow/step';
import { type AssignValue, type Expect, NO_INTENT, type Predicate, type Scalar } from '../flow/types';
import { HTTP_ERROR_VARIABLE, HTTP_STATUS_VARIABLE } from '../flow/variables';
import type { IntentDetector, IntentResult, IntentScore } from '../intent/detector';
import { type Clock, systemClock } from '../util/clock';
import { callHttp, type HttpCallOutput, type HttpCallSettings } from './http-call';
import { NOTE_INTENT_ACTION, runtimeConfig } from './runtime-config';
import { fromTask } from './task-actor';

/** The system id of a conversation's root actor; the detection actor reads the user's text through it. */
export const CONVERSATION_SYSTEM_ID = 'conversation';

/** What the detectIntent actor ends with (its `done` output). */
export interface DetectionOutput {
  intent: string;
  provider: string;
  confidence?: number;
  runnerUp?: IntentScore;
  fallbackReason?: string;
  latencyMs: number;
}

export type FlowEmitted = { type: 'bot.message'; blockId: string; text: string } | ({ type: 'step' } & Step);

type UserMessage = { type: 'user.message'; text: string };

function detectionOf(event: unknown): DetectionOutput | undefined {
  const output = (event as { output?: DetectionOutput }).output;
  return output && typeof output.intent === 'string' ? output : undefined;
}

/** A stored reason is for a person reading the history: the gist, not a whole nested error chain. */
const MAX_ERROR_CHARS = 500;

function errorOf(event: unknown): string | undefined {
  const error = (event as { error?: unknown }).error;
  if (error === undefined) return undefined;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'detection failed';
  return message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS - 1)}…` : message;
}

/**
 * Own properties only: block ids such as "constructor" or "toString" are valid, and a plain lookup would
 * read Object.prototype's function instead of a missing count.
 */
function countOf(counts: Readonly<Record<string, number>> | undefined, blockId: string): number {
  return counts !== undefined && Object.hasOwn(counts, blockId) ? (counts[blockId] ?? 0) : 0;
}

function noMatchCount(context: FlowContext, blockId: string): number {
  return countOf(context.noMatchCounts, blockId);
}

/** The counts without this block's entry; the same object when it has none (nothing to copy). */
function without(counts: Record<string, number> | undefined, blockId: string): Record<string, number> | undefined {
  if (counts === undefined || !Object.hasOwn(counts, blockId)) return counts;
  const copy = { ...counts };
  delete copy[blockId];
  return copy;
}

function plusOne(counts: Record<string, number> | undefined, blockId: string): Record<string, number> {
  return { ...counts, [blockId]: countOf(counts, blockId) + 1 };
}

/** The user's text of the event being handled ("" for events that carry none). */
function textOf(event: unknown): string {
  return (event as Partial<UserMessage>).text ?? '';
}

/**
 * The context after the user answered at `blockId` with `value` stored: `lastMessage` (and `saveAs`)
 * get it, and the block's counts of misfits and silences in a row start again.
 */
function answered(context: FlowContext, blockId: string | null, saveAs: string | null, value: Scalar): Partial<FlowContext> {
  const variables: Record<string, Scalar> = { ...context.variables, lastMessage: value };
  if (saveAs) variables[saveAs] = value;
  if (blockId === null) return { variables };
  return { variables, invalidCounts: without(context.invalidCounts, blockId), silenceCounts: without(context.silenceCounts, blockId) };
}

export interface FlowMachineOptions {
  detector: IntentDetector;
  /** Its monotonic time measures detection latency. Default: the system clock. */
  clock?: Clock;
  /** How http blocks call out. Without it an http block fails with `network` (nothing to call with). */
  http?: HttpCallSettings;
}

function httpOutputOf(event: unknown): HttpCallOutput | undefined {
  const output = (event as { output?: HttpCallOutput }).output;
  return output && typeof output.ok === 'boolean' && typeof output.method === 'string' ? output : undefined;
}

/** The params of a compiled `step` action. */
interface StepParams {
  from: string;
  to: string;
  event: string;
  case?: number;
  choice?: string;
}

/** What the history records of a move: the transition's params, and what the call or detection that took it brought. */
function stepOf(params: StepParams, event: unknown): Step {
  const info: Step = { from: params.from, to: params.to, event: params.event };
  if (params.case !== undefined) info.case = params.case;
  if (params.choice !== undefined) info.choice = params.choice;
  if (params.event.startsWith('http.')) {
    const call = httpOutputOf(event);
    if (call) {
      info.method = call.method;
      info.url = call.url;
      if (call.status !== undefined) info.status = call.status;
      if (call.error !== undefined) info.httpError = call.error;
      if (call.detail !== undefined) info.error = call.detail;
      info.latencyMs = call.latencyMs;
    } else {
      // The actor failed (a bug, or no client configured): the reason, and `network` as the code.
      info.httpError = 'network';
      const error = errorOf(event);
      if (error !== undefined) info.error = error;
    }
  }
  if (params.event.startsWith('intent.')) {
    const detection = detectionOf(event);
    if (detection) {
      info.intent = detection.intent;
      info.provider = detection.provider;
      if (Number.isFinite(detection.confidence)) info.confidence = detection.confidence;
      if (detection.fallbackReason !== undefined) info.fallbackReason = detection.fallbackReason;
      info.latencyMs = detection.latencyMs;
      if (detection.runnerUp !== undefined) {
        info.runnerUp = detection.runnerUp.intent;
        info.runnerUpScore = detection.runnerUp.score;
      }
    } else {
      const error = errorOf(event);
      if (error !== undefined) info.error = error;
    }
  }
  return info;
}

/** The conversation's variables, read by an invoked actor through the root actor. */
function variablesOf(system: { get(id: string): unknown }): Readonly<Record<string, Scalar>> {
  const root = system.get(CONVERSATION_SYSTEM_ID) as AnyActorRef | undefined;
  return (root?.getSnapshot() as { context?: FlowContext } | undefined)?.context?.variables ?? {};
}

/** The variables after an http call: its `save` values (null ones removed), `httpStatus`, and `httpError` on a failure. */
function afterHttpCall(variables: Readonly<Record<string, Scalar>>, output: HttpCallOutput | undefined): Record<string, Scalar> {
  const next: Record<string, Scalar> = { ...variables };
  for (const [name, value] of Object.entries(output?.saved ?? {})) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  if (output?.status !== undefined) next[HTTP_STATUS_VARIABLE] = output.status;
  else delete next[HTTP_STATUS_VARIABLE];
  if (output?.ok) delete next[HTTP_ERROR_VARIABLE];
  else next[HTTP_ERROR_VARIABLE] = output?.error ?? 'network';
  return next;
}

/**
 * Gives a compiled flow its behaviour through `setup()`: the config stays plain JSON, and this is the
 * only place that knows what `say`, `saveReply`, `step` and `detectIntent` do. Build it once per flow
 * version and share it between all conversations on that version.
 */
export function createFlowMachine(compiled: CompiledFlow, options: FlowMachineOptions): AnyStateMachine {
  const { detector } = options;
  const clock = options.clock ?? systemClock;
  // The flow's regular expressions, compiled once for every conversation on this version.
  const patterns = new PatternCache();

  const detectIntent = fromTask<DetectionOutput, { blockId: string }>(({ input, system, signal }) => {
    const block = compiled.intentBlocks.get(input.blockId);
    if (!block) throw new Error(`no intent block "${input.blockId}"`);
    const last = variablesOf(system).lastMessage;
    const text = last === undefined ? '' : scalarText(last);
    const started = clock.monotonic();
    const request = { text, intents: block.intents, cacheKey: block.cacheKey };
    const toOutput = (result: IntentResult): DetectionOutput => {
      const runnerUp = result.ranking?.filter((r) => block.intentIds.has(r.intent))[1];
      return {
        // The answer is checked here too: whatever a strategy returns, only the block's ids route.
        intent: block.intentIds.has(result.intent) ? result.intent : NO_INTENT,
        provider: result.provider,
        ...(result.confidence !== undefined ? { confidence: result.confidence } : {}),
        ...(runnerUp !== undefined ? { runnerUp } : {}),
        ...(result.fallbackReason !== undefined ? { fallbackReason: result.fallbackReason } : {}),
        latencyMs: Math.round((clock.monotonic() - started) * 100) / 100,
      };
    };
    // A strategy that never waits answers inside this macrostep (see fromTask).
    if (detector.detectNow) return toOutput(detector.detectNow(request));
    return detector.detect({ ...request, signal: signal() }).then(toOutput);
  });

  const http = options.http;
  const callHttpActor = fromPromise<HttpCallOutput, { blockId: string }>(async ({ input, system, signal }) => {
    const block = compiled.httpBlocks.get(input.blockId);
    if (!block) throw new Error(`no http block "${input.blockId}"`);
    if (!http) throw new Error('http blocks cannot call out here: no HTTP client is configured');
    return callHttp(block, variablesOf(system), http, signal, () => clock.monotonic());
  });

  const machine = setup({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- setup() infers the machine's types from this value
    types: {} as { context: FlowContext; events: UserMessage | { type: 'conversation.resumed' }; emitted: FlowEmitted },
    actors: { detectIntent, callHttp: callHttpActor },
    actions: {
      say: emit(({ context }, params: { blockId: string; text: string }) => ({
        type: 'bot.message' as const,
        blockId: params.blockId,
        text: renderTemplate(params.text, context.variables),
      })),
      saveReply: assign(({ context, event }, params: { saveAs: string | null; blockId?: string }) =>
        answered(context, params.blockId ?? null, params.saveAs, textOf(event)),
      ),
      saveChoice: assign(({ context }, params: { blockId: string; saveAs: string | null; value: string }) =>
        answered(context, params.blockId, params.saveAs, params.value),
      ),
      saveAnswer: assign(({ context, event }, params: { blockId: string; saveAs: string | null; expect: Expect }) =>
        // The guard answerFits took this transition, so the answer fits; "" is only a defence.
        answered(context, params.blockId, params.saveAs, parseAnswer(params.expect, textOf(event), patterns) ?? ''),
      ),
      /** An answer that does not fit: `lastMessage` says what it was, the misfit is counted, silences start again. */
      rejectAnswer: assign(({ context, event }, params: { blockId: string }) => ({
        variables: { ...context.variables, lastMessage: textOf(event) },
        invalidCounts: plusOne(context.invalidCounts, params.blockId),
        silenceCounts: without(context.silenceCounts, params.blockId),
      })),
      noteSilence: assign(({ context }, params: { blockId: string }) => ({
        silenceCounts: plusOne(context.silenceCounts, params.blockId),
      })),
      /** Leaving a wait block by its `maxTries` or `maxTimes` way out: coming back starts counting afresh. */
      clearCounts: assign(({ context }, params: { blockId: string }) => ({
        invalidCounts: without(context.invalidCounts, params.blockId),
        silenceCounts: without(context.silenceCounts, params.blockId),
      })),
      assignVariables: assign(({ context }, params: { assign: Record<string, AssignValue> }) => ({
        variables: applyAssignments(params.assign, context.variables),
      })),
      saveHttpResult: assign(({ context, event }) => ({ variables: afterHttpCall(context.variables, httpOutputOf(event)) })),
      /** Reports the move; what it reads is the transition's own params and the event that took it. */
      step: emit(({ event }, params: StepParams) => ({ type: 'step' as const, ...stepOf(params, event) })),
      /** A detection's answer (see runtimeConfig): the `intent` variable, and the block's no-matches in a row. */
      [NOTE_INTENT_ACTION]: assign(({ context, event }, params: StepParams) => {
        const counts = { ...context.noMatchCounts };
        if (params.event === 'intent.noMatch') counts[params.from] = noMatchCount(context, params.from) + 1;
        else delete counts[params.from];
        const detection = detectionOf(event);
        return detection
          ? { variables: { ...context.variables, intent: detection.intent }, noMatchCounts: counts }
          : { noMatchCounts: counts };
      }),
    },
    guards: {
      intentIs: ({ event }, params: { intent: string }) => detectionOf(event)?.intent === params.intent,
      noMatchLimitReached: ({ context }, params: { blockId: string; max: number }) =>
        noMatchCount(context, params.blockId) + 1 >= params.max,
      caseHolds: ({ context }, params: { when: Predicate }) => holds(params.when, context.variables, patterns),
      /** Whole text, trimmed and case-folded, against the label or the value: never a substring. */
      choiceIs: ({ event }, params: { label: string; value: string }) => {
        const text = foldText(textOf(event));
        return text !== '' && (text === foldText(params.label) || text === foldText(params.value));
      },
      answerFits: ({ event }, params: { expect: Expect }) => parseAnswer(params.expect, textOf(event), patterns) !== undefined,
      invalidLimitReached: ({ context }, params: { blockId: string; max: number }) =>
        countOf(context.invalidCounts, params.blockId) + 1 >= params.max,
      silenceLimitReached: ({ context }, params: { blockId: string; max: number }) =>
        countOf(context.silenceCounts, params.blockId) + 1 >= params.max,
      httpSucceeded: ({ event }) => httpOutputOf(event)?.ok === true,
    },
  });
  // The config is plain JSON whose action/guard names match the implementations above; XState's
  // generic config type cannot express that link, so this is the one cast at the boundary.
  return machine.createMachine(runtimeConfig(compiled.config) as unknown as Parameters<typeof machine.createMachine>[0]);
}
