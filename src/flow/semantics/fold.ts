/**
 * How flow text is compared when the language says "case-insensitive": trimmed, Unicode-normalised
 * (NFKC, so a full-width "Ｓ" is an "S") and case-folded. JavaScript has no full case folding;
 * upper-casing first and then lower-casing folds the cases that lower-casing alone misses ("ß" and
 * "SS", final and medial sigma).
 */
export function foldText(text: string): string {
  return text.trim().normalize('NFKC').toUpperCase().toLowerCase();
}
