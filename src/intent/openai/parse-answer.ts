import type { ChatCompletion } from 'openai/resources/chat/completions';
import { NO_INTENT } from '../../flow/types';

/**
 * Checks the model's answer on our side. Strict structured outputs make a bad answer unlikely from
 * OpenAI, but compatible servers may ignore the schema, and a model may refuse or run out of
 * tokens; none of that may reach the flow as an intent id.
 */

export type ParsedAnswer =
  /** `outsideOptions`: the model named something not in the enum, which we read as `none`. */
  { ok: true; intent: string; outsideOptions: boolean } | { ok: false; reason: 'refusal' | 'truncated' | 'invalid_answer'; detail: string };

export function parseIntentAnswer(completion: ChatCompletion, allowed: readonly string[]): ParsedAnswer {
  // Typed by the SDK, but it is a foreign server's JSON: check every level.
  const choice: Partial<ChatCompletion.Choice> | undefined = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  const message = choice?.message;
  if (choice === undefined || typeof message !== 'object' || message === null) {
    return { ok: false, reason: 'invalid_answer', detail: 'the response has no choice with a message' };
  }
  if (typeof message.refusal === 'string' && message.refusal.length > 0) {
    return { ok: false, reason: 'refusal', detail: message.refusal.slice(0, 200) };
  }
  if (choice.finish_reason === 'content_filter') {
    return { ok: false, reason: 'refusal', detail: 'finish_reason content_filter' };
  }
  if (choice.finish_reason === 'length') {
    return { ok: false, reason: 'truncated', detail: 'finish_reason length' };
  }
  const content: unknown = message.content;
  if (typeof content !== 'string' || content.trim() === '') {
    return { ok: false, reason: 'invalid_answer', detail: 'the message has no content' };
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'invalid_answer', detail: `content is not JSON: ${content.slice(0, 100)}` };
  }
  const intent = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['intent'] : undefined;
  if (typeof intent !== 'string') {
    return { ok: false, reason: 'invalid_answer', detail: 'content has no string "intent"' };
  }
  if (intent === NO_INTENT) return { ok: true, intent: NO_INTENT, outsideOptions: false };
  if (allowed.includes(intent)) return { ok: true, intent, outsideOptions: false };
  return { ok: true, intent: NO_INTENT, outsideOptions: true };
}
