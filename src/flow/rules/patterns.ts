import { isRecord, type JsonRecord, stringField } from '../document';
import type { FieldPath } from '../edges';
import { pointer } from '../problems';
import { RedosChecker } from '../regex/redos';
import { patternError } from '../semantics';
import { conditionPredicates, walkPredicate } from '../variables';
import type { Rule } from './context';

/** Every regular expression of a block: a `pattern` answer's, and each `matches` condition's. */
function patternsOf(block: JsonRecord): Array<{ source: string; field: FieldPath }> {
  const out: Array<{ source: string; field: FieldPath }> = [];
  if (block.type === 'wait' && isRecord(block.expect)) {
    const source = stringField(block.expect, 'pattern');
    if (source !== undefined) out.push({ source, field: ['expect', 'pattern'] });
  }
  for (const { when, field } of conditionPredicates(block)) {
    walkPredicate(when, field, (comparison, at) => {
      if (comparison.op === 'matches' && typeof comparison.value === 'string')
        out.push({ source: comparison.value, field: [...at, 'value'] });
    });
  }
  return out;
}

/**
 * `invalid_regex`: a pattern that does not compile (as the runtime compiles it: case-insensitive,
 * Unicode mode, so `{{name}}` is not a pattern). `unsafe_regex`: one that a ReDoS checker finds open
 * to catastrophic backtracking, which would let one user message hold the server.
 */
export const patterns: Rule = ({ blocks, errors }) => {
  const checker = new RedosChecker();
  for (const { index, block } of blocks) {
    for (const { source, field } of patternsOf(block)) {
      const path = pointer('blocks', index, ...field);
      const syntax = patternError(source);
      if (syntax !== undefined) {
        errors.push({ path, code: 'invalid_regex', message: `not a regular expression: ${syntax}` });
        continue;
      }
      const verdict = checker.check(source);
      if (!verdict.safe) errors.push({ path, code: 'unsafe_regex', message: `unsafe regular expression: ${verdict.reason}` });
    }
  }
};
