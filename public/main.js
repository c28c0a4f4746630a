// @ts-check
// Wires the chat and the diagram panel to the page. Loaded as a module: deferred, strict, no globals.

import { apiGet, loadPageSettings } from './api.js';
import { target } from './target.js';
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
  trafficButton: $('diagram-traffic', HTMLButtonElement),
  trafficSummary: el('traffic-summary'),
  misunderstood: el('misunderstood'),
  misunderstoodList: el('misunderstood-list'),
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
    previewTokenForm: $('preview-token-form', HTMLFormElement),
    previewTokenMessage: el('preview-token-message'),
    previewTokenInput: $('preview-token-input', HTMLInputElement),
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

// Which bot this page chats with, and whether it previews a version.
el('chat-target').textContent =
  target.version !== null ? `· ${target.bot}, preview of version ${target.version}` : target.bot === 'default' ? '' : `· ${target.bot}`;

/**
 * A bot picker when the server has more than one bot (read from the API: without the token, when the
 * server has one, there is no picker, and `/?bot=` still works). Picking a bot opens its page.
 */
async function showBotPicker() {
  /** @type {Array<{ id: string, name: string }>} */
  let bots;
  try {
    const res = await apiGet('/api/bots');
    if (res.status !== 200) return;
    const body = /** @type {{ items?: unknown }} */ (JSON.parse(res.text));
    if (!Array.isArray(body.items)) return;
    bots = body.items.map((/** @type {{ id?: unknown, name?: unknown }} */ b) => ({ id: String(b.id), name: String(b.name) }));
  } catch {
    return;
  }
  if (bots.length < 2) return;
  const picker = $('bot-picker', HTMLSelectElement);
  picker.replaceChildren(
    ...bots.map((bot) => {
      const option = document.createElement('option');
      option.value = bot.id;
      option.textContent = bot.name === bot.id ? bot.id : `${bot.name} (${bot.id})`;
      option.selected = bot.id === target.bot;
      return option;
    }),
  );
  picker.addEventListener('change', () => {
    location.assign(picker.value === 'default' ? '/' : `/?bot=${encodeURIComponent(picker.value)}`);
  });
  el('bot-picker-label').hidden = false;
}
void showBotPicker();

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
