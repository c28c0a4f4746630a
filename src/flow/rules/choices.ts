import { isRecord, stringField } from '../document';
import { pointer } from '../problems';
import { foldText } from '../semantics';
import type { Rule } from './context';

/**
 * `duplicate_choice`: no two choices of a wait block can be picked by the same text. A choice is
 * picked by its label or its value, trimmed and case-folded, so "Yes" and " yes " are one, and a
 * label that equals another choice's value would be ambiguous. (A choice's own label and value may
 * be equal.)
 */
export const duplicateChoices: Rule = ({ blocks, errors }) => {
  for (const { index, block } of blocks) {
    if (block.type !== 'wait' || !Array.isArray(block.choices)) continue;
    const owner = new Map<string, number>();
    block.choices.forEach((choice: unknown, j: number) => {
      if (!isRecord(choice)) return;
      const reported = new Set<string>();
      for (const field of ['label', 'value'] as const) {
        const text = stringField(choice, field);
        if (text === undefined) continue;
        const folded = foldText(text);
        const first = owner.get(folded);
        if (first === undefined) owner.set(folded, j);
        else if (first !== j && !reported.has(folded)) {
          reported.add(folded);
          errors.push({
            path: pointer('blocks', index, 'choices', j, field),
            code: 'duplicate_choice',
            message: `${JSON.stringify(text)} already picks /blocks/${index}/choices/${first} (choices match by label or value, ignoring case and spaces around)`,
          });
        }
      }
    });
  }
};
