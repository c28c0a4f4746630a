import { pointer } from '../problems';
import { assignmentsOf, BUILTIN_VARIABLES } from '../variables';
import type { Rule } from './context';

/** `reserved_variable`: no block assigns a variable the runtime sets itself (it would be overwritten). */
export const reservedVariables: Rule = ({ blocks, errors }) => {
  for (const { index, block } of blocks) {
    for (const { name, field } of assignmentsOf(block)) {
      if (!BUILTIN_VARIABLES.has(name)) continue;
      errors.push({
        path: pointer('blocks', index, ...field),
        code: 'reserved_variable',
        message: `"${name}" is set by the runtime itself; choose another name`,
      });
    }
  }
};
