import type { BlockEdge } from '../edges';
import type { Block, Comparison, Predicate } from '../types';

const OP_SYMBOLS: Partial<Record<Comparison['op'], string>> = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };

/** Longest label on a diagram edge; a longer one is cut with "…". */
const MAX_LABEL = 60;

function comparisonLabel({ var: name, op, value }: Comparison): string {
  if (op === 'isSet') return `${name} is set`;
  if (op === 'isEmpty') return `${name} is empty`;
  if (op === 'matches') return `${name} matches /${String(value)}/`;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return `${name} ${OP_SYMBOLS[op] ?? op} ${shown}`;
}

/** A predicate in words: `age ≥ 18`, `city = 'Paris' or city matches /^lyon/`, `not (vip = true)`. */
export function predicateLabel(predicate: Predicate): string {
  if ('all' in predicate) return predicate.all.map(grouped).join(' and ');
  if ('any' in predicate) return predicate.any.map(grouped).join(' or ');
  if ('not' in predicate) return `not ${grouped(predicate.not)}`;
  return comparisonLabel(predicate);
}

function grouped(predicate: Predicate): string {
  const label = predicateLabel(predicate);
  return 'var' in predicate ? label : `(${label})`;
}

/** Diagram text is one line, and `;` and `#` mean something to Mermaid: both become spaces. */
function cut(label: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const chars = [...label.replace(/[\u0000-\u001f\u007f;#]/g, ' ')];
  return chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join('')}…` : label;
}

/** The label of an edge in a diagram: what takes it. */
export function edgeLabel(block: Block, edge: BlockEdge): string {
  switch (edge.kind) {
    case 'next':
      if (block.type === 'http') return '2xx';
      if (block.type !== 'wait') return '';
      if (block.expect && block.expect.type !== 'text') return `${block.expect.type} answer`;
      return block.choices ? 'other text' : 'user message';
    case 'choice':
      return cut(`choice "${edge.label}"`);
    case 'invalid':
      return `${edge.max} invalid answers`;
    case 'silence':
      return `silent ${edge.afterSeconds} s ×${edge.max}`;
    case 'reprompt':
      return edge.cause === 'invalid' ? 'invalid answer' : 'silence';
    case 'case':
      return block.type === 'condition' ? cut(predicateLabel(block.cases[edge.index]?.when ?? { all: [] })) : `case ${edge.index + 1}`;
    case 'else':
      return 'else';
    case 'intent':
      return edge.intentId;
    case 'maxNoMatch':
      return `${edge.max} no matches`;
    case 'noMatch':
      return 'no match';
    case 'error':
      return 'error';
  }
}
