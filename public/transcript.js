// @ts-check
// The conversation as this tab knows it, kept in sessionStorage so that a reload resumes the same
// conversation (its id) and shows what was said (the server only re-sends where the flow waits).

/**
 * @typedef {object} Message
 * @property {'bot' | 'user'} from
 * @property {string} text
 */

/**
 * @typedef {object} Session
 * @property {string | null} conversationId
 * @property {number | null} flowVersion
 * @property {boolean} ended
 * @property {string | null} blockId
 * @property {Message[]} messages
 */

import { sessionKeySuffix } from './target.js';

const KEY = `flowbot.session${sessionKeySuffix()}`;
/** Enough for any realistic chat; keeps sessionStorage far from its quota. */
const MAX_MESSAGES = 300;

/** @returns {Session} */
function empty() {
  return { conversationId: null, flowVersion: null, ended: false, blockId: null, messages: [] };
}

/**
 * @param {unknown} m
 * @returns {m is Message}
 */
function isMessage(m) {
  if (typeof m !== 'object' || m === null) return false;
  const { from, text } = /** @type {Record<string, unknown>} */ (m);
  return (from === 'bot' || from === 'user') && typeof text === 'string';
}

/** @returns {Session} */
export function loadSession() {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return empty();
    /** @type {unknown} */
    const parsed = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object') return empty();
    const value = /** @type {Record<string, unknown>} */ (parsed);
    return {
      conversationId: typeof value.conversationId === 'string' ? value.conversationId : null,
      flowVersion: typeof value.flowVersion === 'number' && Number.isInteger(value.flowVersion) ? value.flowVersion : null,
      ended: value.ended === true,
      blockId: typeof value.blockId === 'string' ? value.blockId : null,
      messages: Array.isArray(value.messages) ? value.messages.filter(isMessage) : [],
    };
  } catch {
    return empty();
  }
}

/** @param {Session} session */
export function saveSession(session) {
  const trimmed = { ...session, messages: session.messages.slice(-MAX_MESSAGES) };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(trimmed));
  } catch {
    // Storage full or disabled: the chat goes on, only a reload would start afresh.
  }
}

/** @returns {Session} */
export function newSession() {
  const session = empty();
  saveSession(session);
  return session;
}
