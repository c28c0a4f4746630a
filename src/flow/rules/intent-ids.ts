import { isRecord, stringField } from '../document';
import { pointer } from '../problems';
import { NO_INTENT } from '../types';
import type { Rule } from './context';

/** `reserved_intent_id` and `duplicate_intent_id`: intent ids are unique in their block and never `none`. */
export const intentIds: Rule = ({ blocks, errors }) => {
  for (const { index: i, block } of blocks) {
    if (!Array.isArray(block.intents)) continue;
    const seen = new Map<string, number>();
    block.intents.forEach((intent: unknown, j: number) => {
      const id = isRecord(intent) ? stringField(intent, 'id') : undefined;
      if (id === undefined) return;
      const path = pointer('blocks', i, 'intents', j, 'id');
      if (id === NO_INTENT) {
        errors.push({
          path,
          code: 'reserved_intent_id',
          message: `"${NO_INTENT}" is reserved for "no intent matched"; use noMatch instead`,
        });
      }
      const first = seen.get(id);
      if (first !== undefined) {
        errors.push({ path, code: 'duplicate_intent_id', message: `intent id "${id}" is already used by /blocks/${i}/intents/${first}` });
      } else {
        seen.set(id, j);
      }
    });
  }
};
