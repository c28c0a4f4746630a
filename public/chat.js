// @ts-check
// The chat: one WebSocket to /ws, bubbles in an aria-live log, a typing indicator while the bot is
// busy, and automatic reconnection with backoff that resumes the same conversation.
// Bot text is plain text: it is only ever inserted with textContent.

import { apiGet, getToken, setToken } from './api.js';
import { choiceFrame, createMessageGuard, messageFrame } from './composer.js';
import { startQuery, target } from './target.js';
import { loadSession, newSession, saveSession } from './transcript.js';

/** @typedef {import('../src/transport/ws/frames').ServerFrame} ServerFrame */
/** @typedef {import('./transcript.js').Session} Session */
/** @typedef {import('./transcript.js').Message} Message */

/**
 * @typedef {object} ChatElements
 * @property {HTMLOListElement} log
 * @property {HTMLElement} typing
 * @property {HTMLElement} status
 * @property {HTMLElement} ended
 * @property {HTMLElement} replaced
 * @property {HTMLButtonElement} takeOver
 * @property {HTMLFormElement} form
 * @property {HTMLInputElement} input
 * @property {HTMLButtonElement} send
 * @property {HTMLElement} count
 * @property {HTMLElement} choices the buttons of the block the bot waits at
 * @property {HTMLFormElement} previewTokenForm asks for the API token a preview needs
 * @property {HTMLElement} previewTokenMessage
 * @property {HTMLInputElement} previewTokenInput
 */

/**
 * @typedef {object} ChatEvents
 * @property {(flowVersion: number | null) => void} onConversation
 * @property {(blockId: string | null) => void} onBlock
 * @property {(busy: boolean) => void} onBusy the bot is working on an answer (frames are on their way)
 */

/** Backoff between reconnection attempts: 0.5 s, 1 s, 2 s ... up to 15 s, with ±20% jitter. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
/** The log counts as scrolled to the end within this many pixels of it. */
const AT_END_PX = 24;

/** @param {unknown} value */
const isText = (value) => typeof value === 'string';

/**
 * The frame if it is one of the README's server frames, else undefined (ignored, e.g. from a newer server).
 * @param {unknown} data
 * @returns {ServerFrame | undefined}
 */
export function toServerFrame(data) {
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(String(data));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const f = /** @type {Record<string, unknown>} */ (value);
  switch (f.type) {
    case 'conversation':
      if (!isText(f.conversationId)) return undefined;
      return {
        type: 'conversation',
        conversationId: String(f.conversationId),
        ...(isText(f.bot) ? { bot: String(f.bot) } : {}),
        flowVersion: Number.isInteger(f.flowVersion) ? Number(f.flowVersion) : 0,
        resumed: f.resumed === true,
      };
    case 'message':
      return isText(f.text) && isText(f.blockId) ? { type: 'message', text: String(f.text), blockId: String(f.blockId) } : undefined;
    case 'waiting': {
      if (!isText(f.blockId)) return undefined;
      /** @type {Array<{ label: string, value: string }>} */
      const choices = [];
      for (const c of Array.isArray(f.choices) ? f.choices : []) {
        const choice = /** @type {Record<string, unknown> | null} */ (c);
        if (choice && isText(choice.label) && isText(choice.value))
          choices.push({ label: String(choice.label), value: String(choice.value) });
      }
      if (choices.length === 0) return { type: 'waiting', blockId: String(f.blockId) };
      return {
        type: 'waiting',
        blockId: String(f.blockId),
        choices,
        ...(f.choicesOnly === true ? { choicesOnly: /** @type {true} */ (true) } : {}),
      };
    }
    case 'end':
      return isText(f.blockId) ? { type: f.type, blockId: String(f.blockId) } : undefined;
    case 'error':
      return { type: 'error', code: isText(f.code) ? String(f.code) : '', message: isText(f.message) ? String(f.message) : '' };
    default:
      return undefined;
  }
}

/**
 * @param {ChatElements} ui
 * @param {ChatEvents} events
 */
export function createChat(ui, events) {
  let session = loadSession();
  /** @type {WebSocket | null} */
  let ws = null;
  let attempt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let reconnectTimer;
  let replaced = false;
  /** Set when reconnecting cannot help (an unknown bot or version, a preview without the token). */
  let stopped = false;
  /** Set when the server says the stored conversation is gone: the close then starts a new one. */
  let startFreshOnClose = false;
  /** Bumped by every bubble; a history download only replaces a log nobody has added to since. */
  let logVersion = 0;
  /** Whether the log follows its newest line: true unless the reader has scrolled up. */
  let followEnd = true;
  const guard = createMessageGuard({ input: ui.input, count: ui.count });

  /**
   * @param {string} state
   * @param {string} text
   */
  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
  }

  /** @param {boolean} busy */
  function setBusy(busy) {
    ui.typing.replaceChildren();
    events.onBusy(busy);
    if (!busy) return;
    const dots = document.createElement('span');
    dots.className = 'dots';
    dots.setAttribute('aria-hidden', 'true');
    dots.append(document.createElement('span'), document.createElement('span'), document.createElement('span'));
    const label = document.createElement('span');
    label.textContent = 'flowbot is typing…';
    ui.typing.append(dots, label);
  }

  /** Where the page itself last scrolled the log: scroll events that find it there are not the reader's. */
  let ownScrollTop = -1;

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
    ownScrollTop = ui.log.scrollTop;
    followEnd = true;
  }

  // Whatever changes the log's size (the "ended" banner taking room below it, the diagram panel
  // opening beside it, a window resize, fonts) keeps the newest line in view, unless the reader has
  // scrolled up to read: the last message is never left hidden below the fold. The scroll event of
  // the page's own scrolling arrives after such a change and must not count as the reader leaving.
  ui.log.addEventListener('scroll', () => {
    // At the page's own last position (the end when it scrolled there): following, whatever the size now.
    if (ui.log.scrollTop === ownScrollTop) followEnd = true;
    else followEnd = ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight <= AT_END_PX;
  });
  new ResizeObserver(() => {
    if (followEnd) scrollToEnd();
  }).observe(ui.log);

  /** @param {HTMLLIElement} li */
  function appendItem(li) {
    ui.log.append(li);
    scrollToEnd();
  }

  /** @param {Message} message */
  function renderMessage(message) {
    const li = document.createElement('li');
    li.className = `msg ${message.from}`;
    // Screen readers hear who spoke; sighted users see it from the side and colour of the bubble.
    const who = document.createElement('span');
    who.className = 'visually-hidden';
    who.textContent = message.from === 'bot' ? 'flowbot: ' : 'You: ';
    const bubble = document.createElement('p');
    bubble.className = 'bubble';
    bubble.textContent = message.text;
    li.append(who, bubble);
    appendItem(li);
  }

  /**
   * A line from the page itself (not stored): reconnections, errors. `untilConnected` lines are
   * about the connection and go away once it is back.
   * @param {string} text
   * @param {{ untilConnected?: boolean }} [options]
   */
  function notice(text, options = {}) {
    const li = document.createElement('li');
    li.className = 'notice';
    if (options.untilConnected) li.dataset.untilConnected = '';
    li.textContent = text;
    appendItem(li);
  }

  function dropConnectionNotices() {
    for (const li of ui.log.querySelectorAll('li[data-until-connected]')) li.remove();
  }

  function renderAll() {
    // aria-busy keeps screen readers from reading a restored history line by line.
    ui.log.setAttribute('aria-busy', 'true');
    ui.log.replaceChildren();
    for (const message of session.messages) renderMessage(message);
    ui.log.removeAttribute('aria-busy');
    scrollToEnd();
  }

  /**
   * @param {Message['from']} from
   * @param {string} text
   */
  function addMessage(from, text) {
    session.messages.push({ from, text });
    saveSession(session);
    logVersion += 1;
    renderMessage({ from, text });
  }

  /** True while the block the bot waits at takes nothing but one of its choices. */
  let choicesOnly = false;

  /**
   * The buttons of the block the bot waits at: real buttons (Tab reaches them, Enter and Space press
   * them), in a labelled group after the log, so a screen reader hears the bot's question and then
   * what it can answer. Typing still works unless the block takes only a choice.
   * @param {Array<{ label: string, value: string }>} choices
   * @param {boolean} only
   */
  function showChoices(choices, only) {
    const label = ui.choices.firstElementChild;
    ui.choices.replaceChildren(...(label ? [label] : []));
    choicesOnly = only && choices.length > 0;
    for (const choice of choices) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button secondary';
      button.textContent = choice.label;
      button.addEventListener('click', () => pick(choice));
      ui.choices.append(button);
    }
    if (label) label.textContent = choicesOnly ? 'Choose one:' : 'Choose one, or type your answer:';
    ui.choices.hidden = choices.length === 0;
    const typing = document.activeElement === ui.input;
    updateComposer();
    // The text box is off while only a choice is an answer: focus moves to the first button, not to nowhere.
    const first = ui.choices.querySelector('button');
    if (choicesOnly && typing && first) first.focus();
  }

  /** @param {{ label: string, value: string }} choice */
  function pick(choice) {
    if (session.ended || replaced || !ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(choiceFrame(choice.value));
    addMessage('user', choice.label);
    showChoices([], false);
    setBusy(true);
    ui.input.focus();
  }

  function updateComposer() {
    const closed = session.ended || replaced;
    ui.input.disabled = closed || choicesOnly;
    ui.send.disabled = closed || choicesOnly;
    ui.input.placeholder = session.ended
      ? 'The conversation has ended'
      : choicesOnly
        ? 'Pick one of the choices above'
        : 'Type a message and press Enter';
    ui.ended.hidden = !session.ended;
    ui.replaced.hidden = !replaced;
  }

  /** @param {string | null} blockId */
  function setBlock(blockId) {
    session.blockId = blockId;
    saveSession(session);
    events.onBlock(blockId);
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const id = session.conversationId;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = id ? `?conversationId=${encodeURIComponent(id)}` : startQuery();
    setStatus('connecting', id ? 'Resuming the conversation…' : 'Connecting…');
    // A preview needs the API token when the server has one; a browser cannot set headers on a
    // WebSocket, so it goes as the subprotocol `bearer.<token>` (the server accepts it, never logs it).
    const token = target.version !== null ? getToken() : '';
    const preview = target.version !== null && !id;
    const socket = new WebSocket(`${scheme}//${location.host}/ws${query}`, token ? [`bearer.${token}`] : []);
    let opened = false;
    socket.addEventListener('open', () => (opened = true));
    ws = socket;
    // Events of a socket we have replaced or closed on purpose are ignored.
    socket.addEventListener('message', (event) => {
      const frame = toServerFrame(event.data);
      if (ws === socket && frame) onFrame(frame);
    });
    socket.addEventListener('close', () => {
      if (ws !== socket) return;
      // A refused upgrade never opens; for a preview the likely reason is the token (401).
      if (preview && !opened) askForPreviewToken(Boolean(token));
      else onClose();
    });
  }

  /** @param {boolean} rejected a token was sent and not accepted */
  function askForPreviewToken(rejected) {
    ws = null;
    stopped = true;
    setStatus('offline', 'Preview needs the API token');
    ui.previewTokenForm.hidden = false;
    ui.previewTokenMessage.textContent = rejected
      ? 'The API token was not accepted, or this version does not exist. Check the token and try again.'
      : `Previewing version ${target.version} of this bot needs the API token (API_TOKEN).`;
    ui.previewTokenInput.focus();
  }

  ui.previewTokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = ui.previewTokenInput.value.trim();
    if (!token) {
      ui.previewTokenInput.focus();
      return;
    }
    setToken(token);
    ui.previewTokenInput.value = '';
    ui.previewTokenForm.hidden = true;
    stopped = false;
    connect();
  });

  /** @param {ServerFrame} frame */
  function onFrame(frame) {
    switch (frame.type) {
      case 'conversation': {
        attempt = 0;
        dropConnectionNotices();
        const resumed = frame.resumed && frame.conversationId === session.conversationId;
        if (!resumed) {
          session = { conversationId: frame.conversationId, flowVersion: null, ended: false, messages: [], blockId: null };
          renderAll();
        }
        session.flowVersion = frame.flowVersion || null;
        saveSession(session);
        setStatus('online', resumed ? 'Connected · conversation resumed' : 'Connected');
        // A new conversation greets at once; a resumed one is followed by its `waiting` frame.
        setBusy(!resumed);
        events.onConversation(session.flowVersion);
        if (resumed && session.conversationId) void syncHistory(session.conversationId);
        break;
      }
      case 'message':
        addMessage('bot', frame.text);
        setBlock(frame.blockId);
        break;
      case 'waiting':
        setBusy(false);
        setBlock(frame.blockId);
        showChoices(frame.choices ?? [], frame.choicesOnly === true);
        break;
      case 'end':
        setBusy(false);
        showChoices([], false);
        session.ended = true;
        setBlock(frame.blockId);
        updateComposer();
        setStatus('ended', 'Conversation ended');
        break;
      case 'error':
        onError(frame.code, frame.message);
        break;
    }
  }

  /**
   * The error frames of the README's WebSocket API; the close that follows is handled in onClose.
   * @param {string} code
   * @param {string} message
   */
  function onError(code, message) {
    switch (code) {
      case 'invalid_message':
        setBusy(false);
        notice(`The bot could not take that message: ${message}`);
        break;
      case 'unknown_conversation':
      case 'conversation_ended':
        notice('The previous conversation can no longer be resumed, so a new one starts.');
        startFreshOnClose = true;
        break;
      case 'conversation_erased':
        notice('This conversation has been erased on the server, so a new one starts.');
        startFreshOnClose = true;
        break;
      case 'unknown_bot':
      case 'unknown_version':
        stopped = true;
        notice(`${message} Check the address of this page.`);
        setStatus('offline', 'Not available');
        break;
      case 'replaced':
        replaced = true;
        updateComposer();
        setStatus('offline', 'Open in another tab');
        break;
      case 'storage_unavailable':
        notice('The server could not save the conversation just now. Reconnecting to resume from the last saved message…', {
          untilConnected: true,
        });
        break;
      default:
        notice(`Something went wrong on the server (${message || code}). Reconnecting…`, { untilConnected: true });
    }
  }

  function onClose() {
    ws = null;
    setBusy(false);
    if (startFreshOnClose) {
      startFreshOnClose = false;
      session = newSession();
      renderAll();
      updateComposer();
      connect();
    } else if (session.ended) {
      setStatus('ended', 'Conversation ended');
    } else if (!replaced && !stopped) {
      scheduleReconnect();
    }
  }

  function scheduleReconnect() {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt += 1;
    setStatus('offline', `Connection lost · retrying in ${Math.max(1, Math.round(delay / 1000))} s…`);
    reconnectTimer = setTimeout(connect, delay);
  }

  /**
   * On resume the server re-sends only the `waiting` frame, so bot messages of a turn that was stored
   * but never reached this tab would be missing. The stored history fills them in when the API is
   * readable (no API_TOKEN, or the token was given); otherwise the tab's own transcript stays.
   * @param {string} conversationId
   */
  async function syncHistory(conversationId) {
    const before = logVersion;
    /** @type {Message[]} */
    let messages;
    try {
      const res = await apiGet(`/api/conversations/${encodeURIComponent(conversationId)}`);
      if (res.status !== 200) return;
      /** @type {{ messages?: unknown }} */
      const body = JSON.parse(res.text);
      if (!Array.isArray(body.messages)) return;
      messages = body.messages.map((/** @type {{ from?: unknown, text?: unknown }} */ m) => ({
        from: m.from === 'user' ? 'user' : 'bot',
        text: String(m.text),
      }));
    } catch {
      return;
    }
    if (before !== logVersion || session.conversationId !== conversationId) return;
    if (JSON.stringify(messages) === JSON.stringify(session.messages)) return;
    session.messages = messages;
    saveSession(session);
    renderAll();
  }

  function send() {
    const text = ui.input.value.trim();
    if (!text || session.ended || replaced) return;
    const problem = guard.problem(text);
    if (problem) {
      notice(problem);
      return;
    }
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      notice('Not connected right now. Your message is still in the box: send it again once the connection is back.', {
        untilConnected: true,
      });
      return;
    }
    ws.send(messageFrame(text));
    addMessage('user', text);
    showChoices([], false);
    ui.input.value = '';
    guard.update();
    setBusy(true);
  }

  /** Leaves the current conversation (the server lets it expire) and starts another. */
  function restart() {
    const old = ws;
    ws = null;
    if (old) old.close(1000, 'new conversation');
    clearTimeout(reconnectTimer);
    attempt = 0;
    replaced = false;
    stopped = false;
    ui.previewTokenForm.hidden = true;
    startFreshOnClose = false;
    session = newSession();
    renderAll();
    showChoices([], false);
    setBusy(false);
    events.onConversation(null);
    events.onBlock(null);
    connect();
    ui.input.focus();
  }

  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  ui.takeOver.addEventListener('click', () => {
    replaced = false;
    updateComposer();
    connect();
  });
  // Back online: no need to wait for the rest of the backoff.
  window.addEventListener('online', () => {
    if (reconnectTimer) connect();
  });

  return {
    restart,
    /** @param {import('./api.js').PageSettings | undefined} limits */
    setLimits: (limits) => guard.setLimits(limits),
    start() {
      renderAll();
      updateComposer();
      events.onConversation(session.flowVersion);
      events.onBlock(session.blockId ?? null);
      if (session.ended) setStatus('ended', 'Conversation ended');
      else connect();
    },
  };
}
