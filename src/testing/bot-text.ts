/**
 * The `bot` expectation of a text the bot said: the exact text, unless the text itself reads as
 * `/regex/flags`, which a bot step would take for a regular expression: then a regex that matches
 * exactly that text.
 */
export function botText(text: string): string {
  return /^\/.+\/[dgimsuvy]*$/s.test(text) ? `/^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/` : text;
}
