import { parseArgs } from 'node:util';
import { closestMatch } from '../util/edit-distance';
import { UsageError } from './io';

/** One option of a command, as util.parseArgs takes it, plus what the help says about it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** For string options: the placeholder in the help (`json|js|mermaid`). */
  valueName?: string;
  /** For string options: the values accepted, checked here. */
  choices?: readonly string[];
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Every command takes -h/--help. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/**
 * Parses a command's arguments with util.parseArgs in strict mode: an unknown option, a missing value
 * or a value for a flag is a usage error that names the option (and the nearest known one), as are
 * too many or too few positionals (a last one named `TEXT...` takes one or more). `command` names
 * whose help the error points to.
 */
export function parseCommandArgs(
  command: string,
  args: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
  positionals: readonly string[],
): ParsedArgs {
  const all = { ...options, help: HELP_OPTION };
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args: [...args], options: parseArgsOptions(all), strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(explain(err, args, all), command);
  }
  if (parsed.values.help === true) return parsed;
  for (const [name, option] of Object.entries(options)) {
    const value = parsed.values[name];
    if (typeof value === 'string' && option.choices && !option.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${option.choices.join(', ')}; got ${JSON.stringify(value)}`, command);
    }
  }
  // A last positional named `TEXT...` takes one or more arguments.
  const variadic = positionals.at(-1)?.endsWith('...') === true;
  if (!variadic && parsed.positionals.length > positionals.length) {
    const extra = parsed.positionals[positionals.length] as string;
    const expected = positionals.length === 0 ? 'no arguments' : `only ${positionals.join(' ')}`;
    throw new UsageError(`unexpected argument ${JSON.stringify(extra)}: this command takes ${expected}`, command);
  }
  const missing = positionals[parsed.positionals.length];
  if (missing !== undefined) throw new UsageError(`missing ${missing}`, command);
  return parsed;
}

/** The options as util.parseArgs takes them. */
function parseArgsOptions(options: Readonly<Record<string, OptionSpec>>): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
}

/** A plain message for a parseArgs error: parseArgs's own ones suggest nothing and mention `--`. */
function explain(err: unknown, args: readonly string[], options: Readonly<Record<string, OptionSpec>>): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const names = Object.keys(options);
    const shorts = Object.values(options).flatMap((o) => (o.short ? [o.short] : []));
    const end = args.indexOf('--');
    const raw = (end === -1 ? args : args.slice(0, end)).find((arg) => !isKnown(arg, names, shorts)) ?? '';
    const name = raw.replace(/^--?/, '').split('=')[0] ?? '';
    const near = closestMatch(name, names, name.length < 5 ? 1 : 2);
    return `unknown option ${JSON.stringify(raw)}${near ? `; did you mean "--${near}"?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const culprit = invalidValue(args, options);
    if (culprit) return culprit;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Which option has a value it must not have, or lacks one it needs (parsed leniently to find it). */
function invalidValue(args: readonly string[], options: Readonly<Record<string, OptionSpec>>): string | undefined {
  const { tokens } = parseArgs({
    args: [...args],
    options: parseArgsOptions(options),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (option?.type === 'boolean' && token.value !== undefined) return `option ${JSON.stringify(token.rawName)} takes no value`;
    if (option?.type === 'string' && (token.value === undefined || token.value.startsWith('-'))) {
      return `option ${JSON.stringify(token.rawName)} needs a value${option.valueName ? ` (${option.valueName})` : ''}`;
    }
  }
  return undefined;
}

/** True for a positional or an option this command knows. */
function isKnown(arg: string, names: string[], shorts: string[]): boolean {
  if (arg.startsWith('--')) return names.includes(arg.slice(2).split('=')[0] ?? '');
  if (arg.startsWith('-') && arg !== '-') return [...arg.slice(1)].every((c) => shorts.includes(c));
  return true;
}
