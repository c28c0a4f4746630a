import { type AppError, errors } from '../../errors';
import type { Turn } from '../../runtime/events';
import { userMessageText, userTextProblem } from '../../util/user-text';

/** Frames the server sends (README, "WebSocket API"), one JSON object per WebSocket text frame. */
export type ServerFrame =
  /** `bot`: absent for the `default` bot, so that its frames are what they were before bots. */
  | { type: 'conversation'; conversationId: string; bot?: string; flowVersion: number; resumed: boolean }
  | { type: 'message'; text: string; blockId: string }
  /** `choices`: the buttons to show, when the wait block has some (absent otherwise). */
  | { type: 'waiting'; blockId: string; choices?: Array<{ label: string; value: string }>; choicesOnly?: true }
  | { type: 'end'; blockId: string }
  | { type: 'error'; code: string; message: string };

/** What the client sees of a turn: bot messages, then where the flow waits or ends, or an error. */
export function framesOfTurn(turn: Turn): ServerFrame[] {
  const frames: ServerFrame[] = [];
  for (const event of turn.events) {
    if (event.type === 'bot_message') frames.push({ type: 'message', text: event.text, blockId: event.blockId });
    else if (event.type === 'waiting') {
      const choices = event.choices?.length ? { choices: event.choices, ...(event.choicesOnly ? { choicesOnly: true as const } : {}) } : {};
      frames.push({ type: 'waiting', blockId: event.blockId, ...choices });
    } else if (event.type === 'end') frames.push({ type: 'end', blockId: event.blockId });
    else if (event.type === 'error') frames.push({ type: 'error', code: event.code, message: errors.flowError().message });
  }
  return frames;
}

export type ClientFrame = { ok: true; text: string } | { ok: false; error: AppError };

function bad(message: string): ClientFrame {
  return { ok: false, error: errors.invalidMessage(message) };
}

/**
 * Checks a client text frame: `{"type":"message","text":"..."}`, text of 1 to `maxChars`
 * (MAX_MESSAGE_CHARS) characters after userMessageText (util/user-text.ts), counted as a person counts them (grapheme
 * clusters, see util/graphemes.ts); or `{"type":"choice","value":"..."}`, a button: the same as a
 * message whose text is the choice's value (the flow matches it to the choice by its value). No
 * default here: the web page type-checks against this file, and the settings module it would pull
 * in is Node's, not the browser's.
 */
export function parseClientFrame(data: string, maxChars: number): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return bad('the frame is not valid JSON; send {"type":"message","text":"..."}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('the frame must be a JSON object');
  const frame = value as Record<string, unknown>;
  if (frame.type !== 'message' && frame.type !== 'choice') return bad('unknown frame type; send "message" or "choice"');
  const field = frame.type === 'message' ? 'text' : 'value';
  const raw = frame[field];
  if (typeof raw !== 'string') return bad(`"${field}" must be a string`);
  const text = userMessageText(raw);
  const problem = userTextProblem(text, maxChars);
  if (problem === 'empty') return bad(`"${field}" is empty`);
  if (problem === 'too_long') return bad(`"${field}" is longer than ${maxChars} characters`);
  return { ok: true, text };
}
