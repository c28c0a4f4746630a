// The conversation as this tab knows it, kept in sessionStorage so that a reload resumes the same
// conversation (its id) and shows what was said (the server only re-sends where the flow waits).

const KEY = 'flowbot.session';
/** Enough for any realistic chat; keeps sessionStorage far from its quota. */
const MAX_MESSAGES = 300;

function empty() {
  return { conversationId: null, flowVersion: null, ended: false, blockId: null, messages: [] };
}

export function loadSession() {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return empty();
    const value = JSON.parse(raw);
    if (!value || typeof value !== 'object') return empty();
    return {
      conversationId: typeof value.conversationId === 'string' ? value.conversationId : null,
      flowVersion: Number.isInteger(value.flowVersion) ? value.flowVersion : null,
      ended: value.ended === true,
      blockId: typeof value.blockId === 'string' ? value.blockId : null,
      messages: Array.isArray(value.messages)
        ? value.messages.filter((m) => m && (m.from === 'bot' || m.from === 'user') && typeof m.text === 'string')
        : [],
    };
  } catch {
    return empty();
  }
}

export function saveSession(session) {
  const trimmed = { ...session, messages: session.messages.slice(-MAX_MESSAGES) };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(trimmed));
  } catch {
    // Storage full or disabled: the chat goes on, only a reload would start afresh.
  }
}

export function newSession() {
  const session = empty();
  saveSession(session);
  return session;
}
