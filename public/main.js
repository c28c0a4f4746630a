// @ts-check
// Wires the chat and the diagram panel to the page. Loaded as a module: deferred, strict, no globals.

import { loadPageSettings } from './api.js';
import { createChat } from './chat.js';
import { createDiagram } from './diagram.js';

/**
 * The element with this id, of the type the page's markup gives it.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function $(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return element;
}
const el = (/** @type {string} */ id) => $(id, HTMLElement);

const OPEN_KEY = 'flowbot.diagramOpen';

const diagram = createDiagram({
  panel: el('diagram-panel'),
  canvas: el('diagram'),
  version: el('diagram-version'),
  current: el('diagram-current'),
  status: el('diagram-status'),
  note: el('diagram-note'),
  tokenForm: $('token-form', HTMLFormElement),
  tokenMessage: el('token-message'),
  tokenInput: $('token-input', HTMLInputElement),
  copyButton: $('copy-js', HTMLButtonElement),
  zoom: $('diagram-zoom', HTMLButtonElement),
  copyStatus: el('copy-status'),
  copyFallback: $('copy-fallback', HTMLTextAreaElement),
  copyFallbackLabel: el('copy-fallback-label'),
});

const chat = createChat(
  {
    log: $('messages', HTMLOListElement),
    typing: el('typing'),
    status: el('connection-status'),
    ended: el('ended'),
    replaced: el('replaced'),
    takeOver: $('take-over', HTMLButtonElement),
    form: $('composer', HTMLFormElement),
    input: $('message-input', HTMLInputElement),
    send: $('send', HTMLButtonElement),
    count: el('composer-count'),
    choices: el('choices'),
  },
  {
    onConversation: (flowVersion) => diagram.setFlowVersion(flowVersion),
    onBlock: (blockId) => diagram.setCurrentBlock(blockId),
    onBusy: (busy) => diagram.setChatBusy(busy),
  },
);

const toggle = $('toggle-diagram', HTMLButtonElement);
/** @param {boolean} open */
function setDiagramOpen(open) {
  toggle.setAttribute('aria-expanded', String(open));
  el('layout').classList.toggle('with-diagram', open);
  diagram.setOpen(open);
  try {
    sessionStorage.setItem(OPEN_KEY, open ? '1' : '0');
  } catch {
    // not remembered across reloads, that is all
  }
}

toggle.addEventListener('click', () => setDiagramOpen(toggle.getAttribute('aria-expanded') !== 'true'));
el('new-conversation').addEventListener('click', () => chat.restart());
el('restart').addEventListener('click', () => chat.restart());

// The message limits are the server's own; until they arrive (or if they cannot be read) the server
// alone checks, as it always does.
void loadPageSettings().then((settings) => chat.setLimits(settings));

// Restores the conversation (and tells the diagram its version and block) before the panel opens,
// so the diagram is fetched once, for the right version.
chat.start();
/** @type {string | null} */
let remembered = null;
try {
  remembered = sessionStorage.getItem(OPEN_KEY);
} catch {
  remembered = null;
}
if (/^\/flow\/?$/.test(location.pathname) || remembered === '1') setDiagramOpen(true);
const input = $('message-input', HTMLInputElement);
if (!input.disabled) input.focus();
