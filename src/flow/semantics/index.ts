/**
 * What the flow language's values mean at run time: text folding, numbers, patterns, the operators of
 * `condition`, the values of `set`, and typed answers and choices of `wait`. Pure functions; the
 * runtime's actions and guards call them.
 */
export { foldText } from './fold';
export { numberOf, parseDecimal } from './numbers';
export { MAX_PATTERN_INPUT_CHARS, PATTERN_FLAGS, PatternCache, patternError } from './patterns';
export { compare, holds } from './predicates';
export { applyAssignments, assignedValue } from './assign';
export { choiceValue, defaultInvalidText, matchChoice, parseAnswer } from './answers';
