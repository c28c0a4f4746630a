// @ts-check
// Which bot the page chats with, and whether it previews a version: `/?bot=pizza` chats with the bot's
// current version, `/?bot=pizza&version=7` previews version 7 (drafts included). No `bot`: `default`.

/**
 * @typedef {object} Target
 * @property {string} bot
 * @property {number | null} version a preview's version; null for the bot's current one
 */

const BOT_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const VERSION = /^[1-9][0-9]{0,9}$/;

/**
 * The target of a page address; a malformed `bot` or `version` is ignored (the default bot, the
 * current version) rather than sent to the server.
 * @param {string} search `location.search`
 * @returns {Target}
 */
export function targetOf(search) {
  const params = new URLSearchParams(search);
  const bot = params.get('bot') ?? '';
  const version = params.get('version') ?? '';
  return { bot: BOT_ID.test(bot) ? bot : 'default', version: VERSION.test(version) ? Number(version) : null };
}

export const target = targetOf(location.search);

/** The API path of the target bot's versions: `/api/flows` for `default`, as before there were bots. */
export function flowsPath() {
  return target.bot === 'default' ? '/api/flows' : `/api/bots/${target.bot}/flows`;
}

/** The WebSocket query that starts a conversation with the target: `?bot=...&version=...`, or none. */
export function startQuery() {
  const params = new URLSearchParams();
  if (target.bot !== 'default') params.set('bot', target.bot);
  if (target.version !== null) params.set('version', String(target.version));
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Tabs keep one conversation per bot and version, so that a preview never resumes the live chat. */
export function sessionKeySuffix() {
  if (target.bot === 'default' && target.version === null) return '';
  return `:${target.bot}${target.version === null ? '' : `@${target.version}`}`;
}
