import { errors } from '../errors';
import type { ConversationStatus, TurnWrite } from './records';
import { ConversationNotFoundError } from './sqlite/errors';

/** What a refused turn's conversation looks like now: enough to tell the writer why (both backends). */
export interface FenceRow {
  epoch: number;
  status: ConversationStatus;
}

/**
 * Why a turn that the conditional write did not store was refused (see TurnWrite.epoch and
 * TurnWrite.idleCutoff): gone, taken over by a later owner, or no longer active.
 */
export function whyRefused(turn: TurnWrite, row: FenceRow | undefined): Error {
  const id = turn.conversationId;
  if (!row) return new ConversationNotFoundError(id);
  if (turn.epoch !== undefined && row.epoch !== turn.epoch) return errors.conversationTakenOver(id);
  if (row.status === 'abandoned') return errors.conversationExpired();
  if (row.status === 'completed') return errors.conversationEnded(id, 'ended');
  // Not reached: an active row with the writer's epoch takes the turn.
  return errors.conversationTakenOver(id);
}
