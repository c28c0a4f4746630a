import type { Step } from '../flow/step';
import type { Flow, HttpBlock, Scalar } from '../flow/types';
import { botText } from './bot-text';
import type { HttpCallOutput } from '../runtime/http-call';
import { HTTP_FAILURES, type HttpErrorCode } from '../runtime/http-requester';
import { mockOf } from './http-outcomes';
import type { ConversationTest, HttpMock, TestStep, TestSuite } from './test-document';

/** What a recorded conversation holds, as the history keeps it (messages and steps in order). */
export interface RecordedConversation {
  id: string;
  status: 'active' | 'completed' | 'abandoned';
  currentBlock: string | null;
  variables: Record<string, Scalar>;
  messages: ReadonlyArray<{ from: 'user' | 'bot'; text: string; blockId: string; at: string }>;
  steps: ReadonlyArray<Step & { at: string }>;
}

/** The steps that an action of the user (or their silence) took at a wait block. */
const ANSWER_EVENTS = new Set(['user.message', 'choice', 'answer.invalid', 'answer.maxTries']);
const SILENCE_EVENTS = new Set(['silence', 'silence.maxTimes']);

/**
 * A test that replays a recorded conversation: what the user sent (and when they were silent) as
 * actions, the intents that were detected scripted, and every bot message, where it waited or ended,
 * and its variables as expectations. A bug report becomes a regression test: run on the same flow
 * version it passes; on a new version it shows what changed.
 */
export function conversationToTest(conversation: RecordedConversation, flow: Flow): TestSuite {
  const silences = new Map<string, number>();
  for (const block of flow.blocks) if (block.type === 'wait' && block.noReply) silences.set(block.id, block.noReply.afterSeconds);
  const userMessages = conversation.messages.filter((m) => m.from === 'user');
  const botMessages = conversation.messages.filter((m) => m.from === 'bot');
  let nextUser = 0;
  let nextBot = 0;
  const steps: TestStep[] = [];
  type Message = (typeof botMessages)[number];
  /** Expects the bot messages not expected yet that `before` says came before the next action. */
  const botUntil = (before: (m: Message) => boolean): void => {
    while (nextBot < botMessages.length && before(botMessages[nextBot] as Message)) {
      steps.push({ bot: botText((botMessages[nextBot] as { text: string }).text) });
      nextBot++;
    }
  };
  const indexOf = new Map(conversation.messages.map((m, i) => [m, i]));
  const httpBlocks = new Map<string, HttpBlock>();
  for (const block of flow.blocks) if (block.type === 'http') httpBlocks.set(block.id, block);
  const mocks = new Map<string, HttpMock[]>();
  for (const step of conversation.steps) {
    if (step.from !== null && ANSWER_EVENTS.has(step.event)) {
      const message = userMessages[nextUser++];
      if (!message) break;
      const at = indexOf.get(message) ?? 0;
      botUntil((m) => (indexOf.get(m) ?? 0) < at);
      steps.push(step.event === 'choice' && step.choice !== undefined ? { choice: step.choice } : { user: message.text });
    } else if (step.from !== null && SILENCE_EVENTS.has(step.event)) {
      botUntil((m) => m.at < step.at);
      steps.push({ silence: silences.get(step.from) ?? 1 });
    } else if (step.from !== null && step.event.startsWith('http.') && httpBlocks.has(step.from)) {
      const block = httpBlocks.get(step.from) as HttpBlock;
      mocks.set(block.id, [...(mocks.get(block.id) ?? []), recordedCall(block, step, conversation.variables)]);
    } else if (step.event.startsWith('intent.')) {
      if (step.intent !== undefined) steps.push({ intent: step.intent });
      else steps.push({ intent: { error: step.error ?? 'detection failed' } });
    }
  }
  botUntil(() => true);
  if (conversation.currentBlock !== null) {
    steps.push(conversation.status === 'completed' ? { end: conversation.currentBlock } : { waiting: conversation.currentBlock });
  }
  steps.push({ variables: conversation.variables });
  const test: ConversationTest = { name: `replay of conversation ${conversation.id}`, steps };
  if (mocks.size > 0) test.mocks = { http: Object.fromEntries(mocks) };
  return { intents: 'scripted', tests: [test] };
}

/**
 * A recorded http call as the mock that replays it: its status, or how it failed. The history keeps
 * no answer bodies, so a 2xx answer carries the `save` variables as the conversation ended with them:
 * exact for a block called once; a block called again with other answers shows as a difference.
 */
function recordedCall(block: HttpBlock, step: Step, variables: Readonly<Record<string, Scalar>>): HttpMock {
  const ok = step.event === 'http.ok';
  const code =
    (HTTP_FAILURES as readonly string[]).includes(step.httpError ?? '') || step.httpError === 'status' || step.httpError === 'invalid_json';
  const saved: Record<string, Scalar | null> = {};
  for (const name of Object.keys(block.save ?? {})) saved[name] = Object.hasOwn(variables, name) ? (variables[name] as Scalar) : null;
  const output: HttpCallOutput = {
    ok,
    method: block.method,
    url: step.url ?? block.url,
    ...(step.status !== undefined ? { status: step.status } : {}),
    ...(!ok ? { error: (code ? step.httpError : 'network') as HttpErrorCode } : {}),
    latencyMs: 0,
    saved: ok ? saved : {},
  };
  return mockOf(block, output);
}
