/**
 * What "neutralising" user text means here: removing the characters that are invisible yet change
 * what a reader sees or what a program does with the text, and keeping everything a person may type.
 *
 * Removed:
 * - C0 controls U+0000-U+001F except TAB (U+0009) and LF (U+000A): NUL, escape sequences (ESC),
 *   bell, backspace, CR (line breaks are kept as LF), ...;
 * - DEL (U+007F) and the C1 controls U+0080-U+009F;
 * - the bidirectional embedding, override and isolate controls U+202A-U+202E and U+2066-U+2069,
 *   which can make text display in an order other than the one it is stored in ("Trojan Source").
 *
 * Kept: TAB and LF, the bidi marks LRM, RLM and ALM (U+200E, U+200F, U+061C: needed to write mixed
 * right-to-left text correctly, and unable to reorder anything on their own), zero-width joiners (emoji
 * sequences), and every other character.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEUTRALISED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function removeControlCharacters(text: string): string {
  return text.replace(NEUTRALISED, '');
}
