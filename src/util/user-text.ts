import { removeControlCharacters } from './control-characters';
import { exceedsGraphemes } from './graphemes';

/**
 * The text of a user message as the flow sees it: made well formed (a lone UTF-16 surrogate survives
 * JSON but not UTF-8 storage: U+FFFD instead), neutralised (controls other than tab and newline and
 * the bidi embedding, override and isolate controls removed: see ./control-characters.ts), then
 * trimmed. What is stored, echoed and shown is this text, never the raw one. The WebSocket, the
 * terminal chat and the detect trial all read user text through here, so they agree.
 */
export function userMessageText(raw: string): string {
  return removeControlCharacters(raw.toWellFormed()).trim();
}

/** Why a user message is refused, or undefined when it is fine: empty, or over `maxChars` user-perceived characters. */
export function userTextProblem(text: string, maxChars: number): 'empty' | 'too_long' | undefined {
  if (text.length === 0) return 'empty';
  return exceedsGraphemes(text, maxChars) ? 'too_long' : undefined;
}
