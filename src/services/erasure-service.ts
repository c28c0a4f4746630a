import { ERASE_BATCH_SIZE } from '../config/limits';
import type { ConversationRepository } from '../storage/repositories';
import type { Clock } from '../util/clock';

export interface ConversationEraser {
  /** Erases every ended (completed or abandoned) conversation last active before `before`; returns how many. */
  eraseEnded(query: { before: string; bot?: string }): Promise<number>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Lets I/O and timers run between batches: chats go on while a long history is erased. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Erasure of ended conversations in small batches (ERASE_BATCH_SIZE per transaction): one big DELETE
 * would hold SQLite's single write lock for as long as it takes, and every chat turn waits for that
 * lock. Used by retention (RETENTION_DAYS) and when a bot is deleted.
 */
export class ErasureService implements ConversationEraser {
  constructor(
    private readonly conversations: Pick<ConversationRepository, 'eraseEnded'>,
    private readonly clock: Clock,
    private readonly batchSize: number = ERASE_BATCH_SIZE,
  ) {}

  async eraseEnded(query: { before: string; bot?: string }): Promise<number> {
    let total = 0;
    for (;;) {
      const erased = await this.conversations.eraseEnded({ ...query, limit: this.batchSize });
      total += erased;
      if (erased < this.batchSize) return total;
      await yieldToEventLoop();
    }
  }

  /** Retention: erases the conversations that ended (or were abandoned) more than `days` days ago. */
  eraseOlderThan(days: number): Promise<number> {
    return this.eraseEnded({ before: new Date(this.clock.now().getTime() - days * DAY_MS).toISOString() });
  }
}
