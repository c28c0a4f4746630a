// The chat: one WebSocket to /ws, bubbles in an aria-live log, a typing indicator while the bot is
// busy, and automatic reconnection with backoff that resumes the same conversation.
// Bot text is plain text: it is only ever inserted with textContent.

import { apiGet } from './api.js';
import { loadSession, newSession, saveSession } from './transcript.js';

/** Backoff between reconnection attempts: 0.5 s, 1 s, 2 s ... up to 15 s, with ±20% jitter. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
/** The server's limit for one message (README, WebSocket API). */
const MAX_CHARS = 2000;

/**
 * @param ui DOM elements: log, typing, status, ended, replaced, form, input, send
 * @param events onConversation(flowVersion | null), onBlock(blockId | null)
 */
export function createChat(ui, events) {
  let session = loadSession();
  let ws = null;
  let attempt = 0;
  let reconnectTimer = null;
  let replaced = false;
  /** Set when the server says the stored conversation is gone: the close then starts a new one. */
  let startFreshOnClose = false;
  /** Bumped by every bubble; a history download only replaces a log nobody has added to since. */
  let logVersion = 0;

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
  }

  function setBusy(busy) {
    ui.typing.replaceChildren();
    if (!busy) return;
    const dots = document.createElement('span');
    dots.className = 'dots';
    dots.setAttribute('aria-hidden', 'true');
    dots.append(document.createElement('span'), document.createElement('span'), document.createElement('span'));
    const label = document.createElement('span');
    label.textContent = 'flowbot is typing…';
    ui.typing.append(dots, label);
  }

  function appendItem(li) {
    ui.log.append(li);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

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

  /** A line from the page itself (not stored): reconnections, errors. */
  function notice(text) {
    const li = document.createElement('li');
    li.className = 'notice';
    li.textContent = text;
    appendItem(li);
  }

  function renderAll() {
    // aria-busy keeps screen readers from reading a restored history line by line.
    ui.log.setAttribute('aria-busy', 'true');
    ui.log.replaceChildren();
    for (const message of session.messages) renderMessage(message);
    ui.log.removeAttribute('aria-busy');
  }

  function addMessage(from, text) {
    session.messages.push({ from, text });
    saveSession(session);
    logVersion += 1;
    renderMessage({ from, text });
  }

  function updateComposer() {
    const closed = session.ended || replaced;
    ui.input.disabled = closed;
    ui.send.disabled = closed;
    ui.input.placeholder = session.ended ? 'The conversation has ended' : 'Type a message and press Enter';
    ui.ended.hidden = !session.ended;
    ui.replaced.hidden = !replaced;
  }

  function setBlock(blockId) {
    session.blockId = blockId;
    saveSession(session);
    events.onBlock(blockId);
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    const id = session.conversationId;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = id ? `?conversationId=${encodeURIComponent(id)}` : '';
    setStatus('connecting', id ? 'Resuming the conversation…' : 'Connecting…');
    const socket = new WebSocket(`${scheme}//${location.host}/ws${query}`);
    ws = socket;
    // Events of a socket we have replaced or closed on purpose are ignored.
    socket.addEventListener('message', (event) => {
      if (ws === socket) onFrame(parseFrame(event.data));
    });
    socket.addEventListener('close', () => {
      if (ws === socket) onClose();
    });
  }

  function parseFrame(data) {
    try {
      const frame = JSON.parse(String(data));
      return frame && typeof frame === 'object' ? frame : {};
    } catch {
      return {};
    }
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'conversation': {
        attempt = 0;
        const resumed = frame.resumed === true && frame.conversationId === session.conversationId;
        if (!resumed) {
          session = { conversationId: String(frame.conversationId), flowVersion: null, ended: false, messages: [], blockId: null };
          renderAll();
        }
        session.flowVersion = Number.isInteger(frame.flowVersion) ? frame.flowVersion : null;
        saveSession(session);
        setStatus('online', resumed ? 'Connected · conversation resumed' : 'Connected');
        // A new conversation greets at once; a resumed one is followed by its `waiting` frame.
        setBusy(!resumed);
        events.onConversation(session.flowVersion);
        if (resumed) void syncHistory(session.conversationId);
        break;
      }
      case 'message':
        addMessage('bot', String(frame.text ?? ''));
        setBlock(String(frame.blockId ?? ''));
        break;
      case 'waiting':
        setBusy(false);
        setBlock(String(frame.blockId ?? ''));
        break;
      case 'end':
        setBusy(false);
        session.ended = true;
        setBlock(String(frame.blockId ?? ''));
        updateComposer();
        setStatus('ended', 'Conversation ended');
        break;
      case 'error':
        onError(String(frame.code ?? ''), String(frame.message ?? ''));
        break;
      default:
        break; // unknown frames from a newer server are ignored
    }
  }

  /** The error frames of the README's WebSocket API; the close that follows is handled in onClose. */
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
      case 'replaced':
        replaced = true;
        updateComposer();
        setStatus('offline', 'Open in another tab');
        break;
      case 'storage_unavailable':
        notice('The server could not save the conversation just now. Reconnecting to resume from the last saved message…');
        break;
      default:
        notice(`Something went wrong on the server (${message || code}). Reconnecting…`);
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
    } else if (!replaced) {
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
   */
  async function syncHistory(conversationId) {
    const before = logVersion;
    let messages;
    try {
      const res = await apiGet(`/api/conversations/${encodeURIComponent(conversationId)}`);
      if (res.status !== 200) return;
      const body = JSON.parse(res.text);
      if (!Array.isArray(body.messages)) return;
      messages = body.messages.map((m) => ({ from: m.from === 'user' ? 'user' : 'bot', text: String(m.text) }));
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
    if (text.length > MAX_CHARS) {
      notice(`That message is ${text.length} characters long; the limit is ${MAX_CHARS}.`);
      return;
    }
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      notice('Not connected right now. Your message is still in the box: send it again once the connection is back.');
      return;
    }
    ws.send(JSON.stringify({ type: 'message', text }));
    addMessage('user', text);
    ui.input.value = '';
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
    startFreshOnClose = false;
    session = newSession();
    renderAll();
    updateComposer();
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
