import { errors } from '../errors';
import type { ConversationRecord, MessageRecord, Page, StepRecord } from '../storage/records';
import type { ConversationRepository } from '../storage/repositories';

export interface ConversationDetail extends ConversationRecord {
  messages: MessageRecord[];
  steps: StepRecord[];
}

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 20;

/** Reads conversation history for the REST API. */
export class HistoryService {
  constructor(private readonly conversations: ConversationRepository) {}

  list(query: { limit?: string; cursor?: string }): Promise<Page<ConversationRecord>> {
    let limit = DEFAULT_PAGE_LIMIT;
    if (query.limit !== undefined) {
      limit = /^\d{1,3}$/.test(query.limit) ? Number(query.limit) : NaN;
      if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
        throw errors.invalidParameter(`limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
      }
    }
    return this.conversations.list({ limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
  }

  async get(id: string): Promise<ConversationDetail> {
    const record = await this.conversations.get(id);
    if (!record) throw errors.notFound(`conversation ${id}`);
    const [messages, steps] = await Promise.all([this.conversations.messages(id), this.conversations.steps(id)]);
    return { ...record, messages, steps };
  }
}
