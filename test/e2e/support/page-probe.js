/* global window, document, requestAnimationFrame, MutationObserver, HTMLElement */
// Runs in the page before its own scripts (page.addInitScript): records what the tests check that the
// page does not show, namely when Mermaid draws and when a bot message reaches the screen, and offers
// a visibility check that holds for what a person sees (nothing else painted over it, nothing clipped).
'use strict';

const probe = {
  /** performance.now() of every mermaid.render call. */
  renders: [],
  /** Every bot bubble: when it was added to the log, and the next animation frame (it is painted then). */
  bubbles: [],
  /** performance.now() of every Enter in the message box. */
  sends: [],
  /** For each Enter, the time until the next bot bubble was painted (ms). */
  replyTimes() {
    return probe.sends
      .map((sent) => probe.bubbles.find((b) => b.added > sent && b.painted !== null))
      .map((bubble, i) => (bubble ? Math.round(bubble.painted - probe.sends[i]) : null));
  },
  /** Whether the centre of the element matching `selector` shows that element. */
  visible(selector) {
    const element = document.querySelector(selector);
    if (!element) return false;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (hit === element || element.contains(hit));
  },
  /** What `visible` saw, for a failure message. */
  describe(selector) {
    const element = document.querySelector(selector);
    if (!element) return { found: false };
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    const hitText = hit ? `${hit.tagName}.${String(hit.className?.baseVal ?? hit.className)}#${hit.id}` : null;
    return {
      box: [box.left, box.top, box.width, box.height].map(Math.round),
      hit: hitText,
      contains: hit !== null && element.contains(hit),
      matches: document.querySelectorAll(selector).length,
      visible: probe.visible(selector),
    };
  },
  /** Whether the element matching `inner` lies wholly inside the one matching `outer`. */
  inside(inner, outer) {
    const a = document.querySelector(inner)?.getBoundingClientRect();
    const b = document.querySelector(outer)?.getBoundingClientRect();
    if (!a || !b) return false;
    return a.top >= b.top - 1 && a.left >= b.left - 1 && a.bottom <= b.bottom + 1 && a.right <= b.right + 1;
  },
};
window.__probe = probe;

// The bundle assigns `globalThis.mermaid` when it loads: wrap its render on the way in.
let mermaid;
Object.defineProperty(window, 'mermaid', {
  configurable: true,
  get: () => mermaid,
  set(value) {
    const render = value.render.bind(value);
    value.render = (...args) => {
      probe.renders.push(window.performance.now());
      return render(...args);
    };
    mermaid = value;
  },
});

// Enter in the message box: when the person asked.
document.addEventListener(
  'keydown',
  (event) => {
    if (event.key === 'Enter' && event.target?.id === 'message-input') probe.sends.push(window.performance.now());
  },
  true,
);

document.addEventListener('DOMContentLoaded', () => {
  const log = document.getElementById('messages');
  if (!log) return; // not the chat page
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof HTMLElement) || !node.matches('.msg.bot')) continue;
        const entry = { text: node.textContent, added: window.performance.now(), painted: null };
        probe.bubbles.push(entry);
        requestAnimationFrame(() => {
          entry.painted = window.performance.now();
        });
      }
    }
  }).observe(log, { childList: true });
});
