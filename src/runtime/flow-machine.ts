import { type AnyActorRef, type AnyStateMachine, assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { CompiledFlow } from '../flow/compile';
import type { FlowContext } from '../flow/machine-config';
import { renderTemplate } from '../flow/template';
import { NO_INTENT } from '../flow/types';
import type { Step } from '../flow/step';
import type { IntentDetector, IntentScore } from '../intent/detector';
import { type Clock, systemClock } from '../util/clock';

/** The system id of a conversation's root actor; the detection actor reads the user's text through it. */
export const CONVERSATION_SYSTEM_ID = 'conversation';

/** What the detectIntent promise actor resolves with. */
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
function noMatchCount(context: FlowContext, blockId: string): number {
  return Object.hasOwn(context.noMatchCounts, blockId) ? (context.noMatchCounts[blockId] ?? 0) : 0;
}

export interface FlowMachineOptions {
  detector: IntentDetector;
  /** Its monotonic time measures detection latency. Default: the system clock. */
  clock?: Clock;
}

/**
 * Gives a compiled flow its behaviour through `setup()`: the config stays plain JSON, and this is the
 * only place that knows what `say`, `saveReply`, `step` and `detectIntent` do. Build it once per flow
 * version and share it between all conversations on that version.
 */
export function createFlowMachine(compiled: CompiledFlow, options: FlowMachineOptions): AnyStateMachine {
  const { detector } = options;
  const clock = options.clock ?? systemClock;

  const detectIntent = fromPromise<DetectionOutput, { blockId: string }>(async ({ input, system, signal }) => {
    const block = compiled.intentBlocks.get(input.blockId);
    if (!block) throw new Error(`no intent block "${input.blockId}"`);
    const root = system.get(CONVERSATION_SYSTEM_ID) as AnyActorRef | undefined;
    const context = (root?.getSnapshot() as { context?: FlowContext } | undefined)?.context;
    const text = context?.variables.lastMessage ?? '';
    const started = clock.monotonic();
    const result = await detector.detect({ text, intents: block.intents, cacheKey: block.cacheKey, signal });
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
  });

  const machine = setup({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- setup() infers the machine's types from this value
    types: {} as { context: FlowContext; events: UserMessage; emitted: FlowEmitted },
    actors: { detectIntent },
    actions: {
      say: emit(({ context }, params: { blockId: string; text: string }) => ({
        type: 'bot.message' as const,
        blockId: params.blockId,
        text: renderTemplate(params.text, context.variables),
      })),
      saveReply: assign(({ context, event }, params: { saveAs: string | null }) => {
        const text = (event as Partial<UserMessage>).text ?? '';
        const variables: Record<string, string> = { ...context.variables, lastMessage: text };
        if (params.saveAs) variables[params.saveAs] = text;
        return { variables };
      }),
      step: enqueueActions(({ context, event, enqueue }, params: { from: string; to: string; event: string }) => {
        const info: Step = { from: params.from, to: params.to, event: params.event };
        if (params.event.startsWith('intent.')) {
          const detection = detectionOf(event);
          const counts = { ...context.noMatchCounts };
          if (params.event === 'intent.noMatch') counts[params.from] = noMatchCount(context, params.from) + 1;
          else if (params.event !== 'intent.error') delete counts[params.from];
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
            enqueue.assign({ variables: { ...context.variables, intent: detection.intent }, noMatchCounts: counts });
          } else {
            const error = errorOf(event);
            if (error !== undefined) info.error = error;
            enqueue.assign({ noMatchCounts: counts });
          }
        }
        enqueue.emit({ type: 'step', ...info });
      }),
    },
    guards: {
      intentIs: ({ event }, params: { intent: string }) => detectionOf(event)?.intent === params.intent,
      noMatchLimitReached: ({ context }, params: { blockId: string; max: number }) =>
        noMatchCount(context, params.blockId) + 1 >= params.max,
    },
  });
  // The config is plain JSON whose action/guard names match the implementations above; XState's
  // generic config type cannot express that link, so this is the one cast at the boundary.
  return machine.createMachine(compiled.config as unknown as Parameters<typeof machine.createMachine>[0]);
}
