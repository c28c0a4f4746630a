import { isRecord } from '../document';
import { pointer } from '../problems';
import type { Rule } from './context';

/** `invalid_value`: the bounds of a number answer must leave some number to give (`min` ≤ `max`). */
export const answerBounds: Rule = ({ blocks, errors }) => {
  for (const { index, block } of blocks) {
    const expect = block.type === 'wait' && isRecord(block.expect) ? block.expect : undefined;
    if (!expect || typeof expect.min !== 'number' || typeof expect.max !== 'number' || expect.min <= expect.max) continue;
    errors.push({
      path: pointer('blocks', index, 'expect', 'min'),
      code: 'invalid_value',
      message: `min (${expect.min}) is greater than max (${expect.max}): no answer could fit`,
    });
  }
};
