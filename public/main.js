// Wires the chat and the diagram panel to the page. Loaded as a module: deferred, strict, no globals.

import { createChat } from './chat.js';
import { createDiagram } from './diagram.js';

const $ = (id) => document.getElementById(id);
const OPEN_KEY = 'flowbot.diagramOpen';

const diagram = createDiagram({
  panel: $('diagram-panel'),
  canvas: $('diagram'),
  version: $('diagram-version'),
  current: $('diagram-current'),
  status: $('diagram-status'),
  tokenForm: $('token-form'),
  tokenMessage: $('token-message'),
  tokenInput: $('token-input'),
  copyButton: $('copy-js'),
  zoom: $('diagram-zoom'),
  copyStatus: $('copy-status'),
  copyFallback: $('copy-fallback'),
  copyFallbackLabel: $('copy-fallback-label'),
});

const chat = createChat(
  {
    log: $('messages'),
    typing: $('typing'),
    status: $('connection-status'),
    ended: $('ended'),
    replaced: $('replaced'),
    takeOver: $('take-over'),
    form: $('composer'),
    input: $('message-input'),
    send: $('send'),
  },
  {
    onConversation: (flowVersion) => diagram.setFlowVersion(flowVersion),
    onBlock: (blockId) => diagram.setCurrentBlock(blockId),
  },
);

const toggle = $('toggle-diagram');
function setDiagramOpen(open) {
  toggle.setAttribute('aria-expanded', String(open));
  $('layout').classList.toggle('with-diagram', open);
  diagram.setOpen(open);
  try {
    sessionStorage.setItem(OPEN_KEY, open ? '1' : '0');
  } catch {
    // not remembered across reloads, that is all
  }
}

toggle.addEventListener('click', () => setDiagramOpen(toggle.getAttribute('aria-expanded') !== 'true'));
$('new-conversation').addEventListener('click', () => chat.restart());
$('restart').addEventListener('click', () => chat.restart());

// Restores the conversation (and tells the diagram its version and block) before the panel opens,
// so the diagram is fetched once, for the right version.
chat.start();
let remembered = null;
try {
  remembered = sessionStorage.getItem(OPEN_KEY);
} catch {
  remembered = null;
}
if (/^\/flow\/?$/.test(location.pathname) || remembered === '1') setDiagramOpen(true);
if (!$('message-input').disabled) $('message-input').focus();
