// @ts-check
// The message box's limits, as the server has them (/assets/settings.json): the length counted in
// what a person counts, grapheme clusters (an emoji, a flag or a letter with its accents is one), and
// the size of the frame that carries it. There is no `maxlength` attribute: browsers count it in
// UTF-16 units, so it would stop 1,001 emoji that the server takes. A counter shows near the limit,
// and what the server would refuse is not sent.

/** @typedef {import('../src/transport/http/page-settings').PageSettings} PageSettings */

/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.9;

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : undefined;
const encoder = new TextEncoder();
const numbers = new Intl.NumberFormat('en-US');

/**
 * User-perceived characters (grapheme clusters), as the server counts them. Without Intl.Segmenter
 * (old browsers) code points: never fewer, so nothing the server would refuse gets through.
 * @param {string} text
 */
export function countChars(text) {
  if (!segmenter) return [...text].length;
  let count = 0;
  const segments = segmenter.segment(text)[Symbol.iterator]();
  while (!segments.next().done) count += 1;
  return count;
}

/** The frame the chat sends for `text`. @param {string} text */
export function messageFrame(text) {
  return JSON.stringify({ type: 'message', text });
}

/** The frame the chat sends when a choice (a button) is picked. @param {string} value */
export function choiceFrame(value) {
  return JSON.stringify({ type: 'choice', value });
}

/**
 * @param {{ input: HTMLInputElement, count: HTMLElement }} ui
 */
export function createMessageGuard(ui) {
  /** @type {PageSettings | undefined} */
  let limits;

  /** Characters in `text` when it may be near or over the limit (a text no longer in UTF-16 units cannot be). */
  function nearCount(/** @type {string} */ text) {
    if (!limits || text.length < limits.maxMessageChars * COUNTER_FROM) return undefined;
    return countChars(text);
  }

  function update() {
    const text = ui.input.value.trim();
    const count = nearCount(text);
    const over = limits !== undefined && count !== undefined && count > limits.maxMessageChars;
    ui.count.hidden = count === undefined;
    ui.count.classList.toggle('over', over);
    if (limits && count !== undefined) {
      const max = limits.maxMessageChars;
      ui.count.textContent = `${numbers.format(count)} / ${numbers.format(max)} characters${over ? `: ${numbers.format(count - max)} too many` : ''}`;
    }
    if (over) ui.input.setAttribute('aria-invalid', 'true');
    else ui.input.removeAttribute('aria-invalid');
  }

  ui.input.addEventListener('input', update);

  return {
    /** @param {PageSettings | undefined} value */
    setLimits(value) {
      limits = value;
      update();
    },
    /** Call after the box was changed by script (e.g. emptied after sending). */
    update,
    /**
     * Why the server would refuse `text` (already trimmed), or undefined when it may be sent.
     * @param {string} text
     */
    problem(text) {
      if (!limits) return undefined;
      const count = nearCount(text) ?? 0;
      if (count > limits.maxMessageChars) {
        return `That message is ${numbers.format(count)} characters long; the limit is ${numbers.format(limits.maxMessageChars)}.`;
      }
      if (encoder.encode(messageFrame(text)).length > limits.maxFrameBytes) {
        return `That message is too large to send (over ${numbers.format(limits.maxFrameBytes)} bytes); please shorten it.`;
      }
      return undefined;
    },
  };
}
