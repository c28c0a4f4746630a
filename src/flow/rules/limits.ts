import { isRecord } from '../document';
import type { FlowLimits } from '../limits';
import { type FlowProblem, pointer } from '../problems';
import { FLOW_SCHEMA_CAPS } from '../schema-caps';
import { countCodePoints } from '../../util/code-points';
import { templatesOf } from '../variables';
import type { Rule } from './context';

/**
 * `too_many_blocks` (MAX_FLOW_BLOCKS), checked before anything else: cheap, and it spares validating a
 * flow too large to take. Undefined when the count is within the limit.
 */
export function blockCountProblem(doc: unknown, limits: FlowLimits): FlowProblem | undefined {
  const blocks = isRecord(doc) ? doc.blocks : undefined;
  if (!Array.isArray(blocks) || blocks.length <= limits.maxBlocks) return undefined;
  return {
    path: '/blocks',
    code: 'too_many_blocks',
    message: `a flow may have at most ${limits.maxBlocks} blocks (MAX_FLOW_BLOCKS); this one has ${blocks.length}`,
  };
}

/**
 * `too_many_intents` (MAX_INTENTS_PER_BLOCK) and `text_too_long` (MAX_TEXT_CHARS, for every text the
 * bot says: message and end texts, reprompts): the operator's limits below the schema's caps. Beyond a cap the schema's own error says it, so it is not repeated.
 */
export const operatorLimits: Rule = ({ blocks, limits, errors }) => {
  const { maxIntentsPerBlock, maxTextChars } = limits;
  for (const { index, block } of blocks) {
    const intents = block.type === 'intent' && Array.isArray(block.intents) ? block.intents.length : 0;
    if (intents > maxIntentsPerBlock && intents <= FLOW_SCHEMA_CAPS.intentsPerBlock) {
      errors.push({
        path: pointer('blocks', index, 'intents'),
        code: 'too_many_intents',
        message: `an intent block may have at most ${maxIntentsPerBlock} intents (MAX_INTENTS_PER_BLOCK)`,
      });
    }
    for (const { text, field, said } of templatesOf(block)) {
      if (!said || text.length <= maxTextChars) continue;
      const chars = countCodePoints(text);
      if (chars > maxTextChars && chars <= FLOW_SCHEMA_CAPS.textChars) {
        errors.push({
          path: pointer('blocks', index, ...field),
          code: 'text_too_long',
          message: `a text may have at most ${maxTextChars} characters (MAX_TEXT_CHARS)`,
        });
      }
    }
  }
};
