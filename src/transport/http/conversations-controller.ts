import { Type } from '@sinclair/typebox';
import { errors } from '../../errors';
import type { HistoryService } from '../../services/history-service';
import { pageQuery } from './routes/parameters';
import { type AnyRoute, defineRoute } from './routes/route';
import { ConversationDetail, ConversationPage } from './routes/schemas';

/** Longest conversation id accepted in a path: ids are UUIDs; anything far longer is not an id. */
const MAX_CONVERSATION_ID = 128;

/** Routes under /api/conversations: read-only history. */
export function conversationRoutes(history: HistoryService): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/conversations',
      operationId: 'listConversations',
      tag: 'conversations',
      summary: 'List conversations, newest first',
      description: 'Pass `nextCursor` back as `cursor` for the next page (`null` on the last one).',
      secured: true,
      storage: true,
      query: Type.Object(pageQuery),
      responses: { 200: { description: 'one page of conversations', content: { 'application/json': ConversationPage } } },
      errors: [errors.invalidCursor],
    })(async ({ query }) => ({ status: 200, json: await history.list(query) })),

    defineRoute({
      method: 'GET',
      path: '/api/conversations/{id}',
      operationId: 'getConversation',
      tag: 'conversations',
      summary: 'One conversation with every message and step, in order',
      secured: true,
      storage: true,
      params: Type.Object({
        id: Type.String({ minLength: 1, maxLength: MAX_CONVERSATION_ID, description: 'the conversation id' }),
      }),
      query: Type.Object({}),
      responses: { 200: { description: 'the conversation', content: { 'application/json': ConversationDetail } } },
      errors: [errors.notFound],
    })(async ({ params }) => ({ status: 200, json: await history.get(params.id) })),
  ];
}
