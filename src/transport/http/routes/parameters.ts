import { Type } from '@sinclair/typebox';
import { BOT_ID_PATTERN } from '../../../services/bot-service';
import { MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT } from '../../../services/paging';

/** Parameter schemas used by several routes. Integers arrive as text and are read as numbers at the edge. */

/** Largest version number accepted in a path (SQLite would take more; nobody uploads two billion flows). */
export const MAX_VERSION = 2147483647;

export const versionNumber = Type.Integer({ minimum: 1, maximum: MAX_VERSION, description: 'a flow version number', examples: [1] });

export const versionOrCurrent = Type.Union([versionNumber, Type.Literal('current')], {
  description: 'a flow version number, or `current` for the current version',
  examples: ['current', 1],
});

export const pageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT, description: 'items per page', examples: [20] }),
  ),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 1024, description: 'the `nextCursor` of the previous page; opaque', examples: ['v3'] }),
  ),
};

export const botId = Type.String({
  pattern: BOT_ID_PATTERN,
  description: 'a bot id (`default` is the bot every path without one means)',
  examples: ['pizza'],
});
