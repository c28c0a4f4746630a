import { Type } from '@sinclair/typebox';
import { errors } from '../../errors';
import type { BotService } from '../../services/bot-service';
import type { ChatService } from '../../services/chat-service';
import type { HistoryService } from '../../services/history-service';
import { DEFAULT_BOT } from '../../storage/records';
import { botId, pageQuery } from './routes/parameters';
import { type AnyRoute, defineRoute } from './routes/route';
import { ConversationDetail, ConversationPage } from './routes/schemas';

/** Longest conversation id accepted in a path: ids are UUIDs; anything far longer is not an id. */
const MAX_CONVERSATION_ID = 128;

const conversationId = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_CONVERSATION_ID, description: 'the conversation id' }),
});

/** Routes under /api/conversations: the history, and erasing a conversation. */
export function conversationRoutes(history: HistoryService, bots: BotService, chat: ChatService): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/conversations',
      operationId: 'listConversations',
      tag: 'conversations',
      summary: 'List conversations, newest first',
      description:
        'Pass `nextCursor` back as `cursor` for the next page (`null` on the last one), with the same filters. `bot` and `status` narrow the list.',
      secured: true,
      storage: true,
      query: Type.Object({
        ...pageQuery,
        bot: Type.Optional({ ...botId, description: "only this bot's conversations" }),
        status: Type.Optional(
          Type.Union([Type.Literal('active'), Type.Literal('completed'), Type.Literal('abandoned')], {
            description: 'only conversations with this status',
          }),
        ),
      }),
      responses: { 200: { description: 'one page of conversations', content: { 'application/json': ConversationPage } } },
      errors: [errors.invalidCursor, errors.unknownBot],
    })(async ({ query }) => {
      // A misspelt bot would otherwise look like one without conversations.
      if (query.bot !== undefined && query.bot !== DEFAULT_BOT) await bots.get(query.bot);
      return { status: 200, json: await history.list(query) };
    }),

    defineRoute({
      method: 'GET',
      path: '/api/conversations/{id}',
      operationId: 'getConversation',
      tag: 'conversations',
      summary: 'One conversation with every message and step, in order',
      secured: true,
      storage: true,
      params: conversationId,
      query: Type.Object({}),
      responses: { 200: { description: 'the conversation', content: { 'application/json': ConversationDetail } } },
      errors: [errors.notFound],
    })(async ({ params }) => ({ status: 200, json: await history.get(params.id) })),

    defineRoute({
      method: 'DELETE',
      path: '/api/conversations/{id}',
      operationId: 'eraseConversation',
      tag: 'conversations',
      summary: 'Erase a conversation, its messages and its steps',
      description:
        'For requests to erase personal data. A conversation connected right now is closed first: its client gets an `error` frame `conversation_erased` and close code 4410, and no turn of it is stored after. Nothing of it is kept.',
      secured: true,
      storage: true,
      params: conversationId,
      query: Type.Object({}),
      responses: { 204: { description: 'erased' } },
      errors: [errors.notFound],
    })(async ({ params }) => {
      if (!(await chat.erase(params.id))) throw errors.notFound(`conversation ${params.id}`);
      return { status: 204 };
    }),
  ];
}
