import type { MessageRecord, StepRecord, TurnWrite } from './records';

/**
 * PostgreSQL text cannot hold U+0000 (it fails the whole statement, and with it every turn batched
 * with it), so each backend stores it as U+FFFD, the replacement character, and both store the same.
 * JSON columns need nothing: JSON.stringify escapes it as `\u0000`.
 */
const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

export function withoutNul(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, REPLACEMENT) : text;
}

function optional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : withoutNul(text);
}

function hasNul(turn: TurnWrite): boolean {
  const texts = (step: StepRecord): Array<string | null | undefined> => [
    step.from,
    step.to,
    step.event,
    step.intent,
    step.provider,
    step.fallbackReason,
    step.error,
    step.runnerUp,
    step.choice,
    step.method,
    step.url,
    step.httpError,
  ];
  if (turn.currentBlock?.includes(NUL)) return true;
  if (turn.messages.some((m) => m.text.includes(NUL) || m.blockId.includes(NUL))) return true;
  return turn.steps.some((step) => texts(step).some((text) => text?.includes(NUL)));
}

/** The turn with every NUL in its text columns replaced; the same object when it has none (the usual case). */
export function turnWithoutNul(turn: TurnWrite): TurnWrite {
  if (!hasNul(turn)) return turn;
  const message = (m: MessageRecord): MessageRecord => ({ ...m, text: withoutNul(m.text), blockId: withoutNul(m.blockId) });
  const step = (s: StepRecord): StepRecord => {
    const copy: StepRecord = { ...s, from: s.from === null ? null : withoutNul(s.from), to: withoutNul(s.to), event: withoutNul(s.event) };
    for (const key of ['intent', 'provider', 'fallbackReason', 'error', 'runnerUp', 'choice', 'method', 'url', 'httpError'] as const) {
      const value = optional(s[key]);
      if (value !== undefined) copy[key] = value;
    }
    return copy;
  };
  return {
    ...turn,
    currentBlock: turn.currentBlock === null ? null : withoutNul(turn.currentBlock),
    messages: turn.messages.map(message),
    steps: turn.steps.map(step),
  };
}
