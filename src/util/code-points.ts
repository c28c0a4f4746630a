/**
 * Unicode code points in `text` (a surrogate pair is one, a lone surrogate one too), counting at most
 * up to `stopAfter` + 1; without building an array of the characters.
 */
export function countCodePoints(text: string, stopAfter = Infinity): number {
  let count = 0;
  for (let i = 0; i < text.length && count <= stopAfter; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
