import { type AppError, errors } from '../../errors';
import type { Turn } from '../../runtime/events';
import { userMessageText, userTextProblem } from '../../util/user-text';

/** Frames the server sends (README, "WebSocket API"), one JSON object per WebSocket text frame. */
export type ServerFrame =
  | { type: 'conversation'; conversationId: string; flowVersion: number; resumed: boolean }
  | { type: 'message'; text: string; blockId: string }
  | { type: 'waiting'; blockId: string }
  | { type: 'end'; blockId: string }
  | { type: 'error'; code: string; message: string };

/** What the client sees of a turn: bot messages, then where the flow waits or ends, or an error. */
export function framesOfTurn(turn: Turn): ServerFrame[] {
  const frames: ServerFrame[] = [];
  for (const event of turn.events) {
    if (event.type === 'bot_message') frames.push({ type: 'message', text: event.text, blockId: event.blockId });
    else if (event.type === 'waiting') frames.push({ type: 'waiting', blockId: event.blockId });
    else if (event.type === 'end') frames.push({ type: 'end', blockId: event.blockId });
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
 * clusters, see util/graphemes.ts). No default here: the web page type-checks against this file,
 * and the settings module it would pull in is Node's, not the browser's.
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
  if (frame.type !== 'message') return bad('unknown frame type; the only one is "message"');
  if (typeof frame.text !== 'string') return bad('"text" must be a string');
  const text = userMessageText(frame.text);
  const problem = userTextProblem(text, maxChars);
  if (problem === 'empty') return bad('"text" is empty');
  if (problem === 'too_long') return bad(`"text" is longer than ${maxChars} characters`);
  return { ok: true, text };
}
