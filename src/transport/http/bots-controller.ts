import { Type } from '@sinclair/typebox';
import { errors } from '../../errors';
import { MAX_BOT_NAME_CHARS, type BotService } from '../../services/bot-service';
import { readJsonBody } from './read-json-body';
import { botId } from './routes/parameters';
import { type AnyRoute, defineRoute } from './routes/route';
import { Bot, BotList, BLOCK_ID_PATTERN } from './routes/schemas';

const noQuery = Type.Object({});
const botParams = Type.Object({ bot: botId });

/** Routes under /api/bots: create, list, read and delete bots (their versions are in flows-controller.ts). */
export function botRoutes(bots: BotService, maxBodyBytes: number): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/bots',
      operationId: 'createBot',
      tag: 'bots',
      summary: 'Create a bot',
      description: 'A new bot has no flow version: upload one with `POST /api/bots/{bot}/flows`. Until then `/ws?bot=` answers `no_flow`.',
      secured: true,
      storage: true,
      query: noQuery,
      body: {
        description: 'the id (written like a block id) and a name for people (default: the id)',
        schema: Type.Object(
          {
            id: Type.String({ pattern: BLOCK_ID_PATTERN }),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_BOT_NAME_CHARS })),
          },
          { additionalProperties: false },
        ),
        mediaType: 'application/json',
      },
      responses: {
        201: {
          description: 'created',
          content: { 'application/json': Bot },
          headers: {
            Location: {
              description: 'the path of the bot: `/api/bots/{bot}`',
              schema: Type.String({ pattern: '^/api/bots/[A-Za-z][A-Za-z0-9_-]*$' }),
              required: true,
            },
          },
        },
      },
      errors: [
        errors.invalidJson,
        errors.invalidEncoding,
        errors.payloadTooLarge,
        errors.unsupportedMediaType,
        errors.invalidBody,
        errors.botExists,
      ],
    })(async ({ req }) => {
      const bot = await bots.create((await readJsonBody(req, maxBodyBytes)).value);
      return { status: 201, headers: { Location: `/api/bots/${bot.id}` }, json: bot };
    }),

    defineRoute({
      method: 'GET',
      path: '/api/bots',
      operationId: 'listBots',
      tag: 'bots',
      summary: 'List bots',
      secured: true,
      storage: true,
      query: noQuery,
      responses: { 200: { description: 'every bot', content: { 'application/json': BotList } } },
      errors: [],
    })(async () => ({ status: 200, json: { items: await bots.list() } })),

    defineRoute({
      method: 'GET',
      path: '/api/bots/{bot}',
      operationId: 'getBot',
      tag: 'bots',
      summary: 'One bot',
      secured: true,
      storage: true,
      params: botParams,
      query: noQuery,
      responses: { 200: { description: 'the bot', content: { 'application/json': Bot } } },
      errors: [errors.unknownBot],
    })(async ({ params }) => ({ status: 200, json: await bots.get(params.bot) })),

    defineRoute({
      method: 'DELETE',
      path: '/api/bots/{bot}',
      operationId: 'deleteBot',
      tag: 'bots',
      summary: 'Delete a bot with its versions and its history',
      description:
        'Erases the bot, every flow version of it and every conversation of it (messages and steps too). Refused for `default`, and while the bot has active conversations (409 `bot_in_use`: retry once they have ended or expired).',
      secured: true,
      storage: true,
      params: botParams,
      query: noQuery,
      responses: { 204: { description: 'deleted' } },
      errors: [errors.unknownBot, errors.botInUse, errors.defaultBot],
    })(async ({ params }) => {
      await bots.delete(params.bot);
      return { status: 204 };
    }),
  ];
}
