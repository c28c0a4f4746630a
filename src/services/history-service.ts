import { errors } from '../errors';
import type { ConversationFilter, ConversationRecord, MessageRecord, Page, StepRecord } from '../storage/records';
import type { ConversationRepository } from '../storage/repositories';
import { pageLimit } from './paging';

export interface ConversationDetail extends ConversationRecord {
  messages: MessageRecord[];
  steps: StepRecord[];
}

/** Reads conversation history for the REST API. */
export class HistoryService {
  constructor(private readonly conversations: ConversationRepository) {}

  /** Newest first; `bot` and `status` narrow the list (each is an index range, however long the history). */
  list(query: { limit?: number; cursor?: string } & ConversationFilter = {}): Promise<Page<ConversationRecord>> {
    const limit = pageLimit(query.limit);
    return this.conversations.list({
      limit,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.bot !== undefined ? { bot: query.bot } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
    });
  }

  async get(id: string): Promise<ConversationDetail> {
    const record = await this.conversations.get(id);
    if (!record) throw errors.notFound(`conversation ${id}`);
    const [messages, steps] = await Promise.all([this.conversations.messages(id), this.conversations.steps(id)]);
    return { ...record, messages, steps };
  }
}
