/**
 * Argument parsing for bgagent: util.parseArgs in non-strict mode (to get every token), then our own
 * checks so each mistake is named precisely — an unknown option, an option without its value, a
 * missing or extra positional argument — as a UsageError (exit code 2, with the command's usage).
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The option may be repeated; its value is then a list. */
  readonly multiple?: boolean;
  /** Placeholder of the value in the help, e.g. `<owner/name>`. */
  readonly value?: string;
  readonly description: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly required: boolean;
  /** Takes every remaining positional argument (the last one only). */
  readonly variadic?: boolean;
  readonly description: string;
}

type OptionValue = string | boolean | string[] | undefined;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, OptionValue>>;
  readonly positionals: readonly string[];
}

/** A mistake on the command line: exit code 2, the message and the command's usage are printed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const looksLikeOption = (s: string): boolean => /^--?[a-zA-Z]/.test(s);

/** Parses `argv` (the arguments after the command name) against the command's options and positionals. */
export function parseCommandArgs(
  argv: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
  positionals: readonly PositionalSpec[] = [],
): ParsedArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(options)) {
    config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, OptionValue> = {};
  const given: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      given.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec || (token.rawName.startsWith('--') && token.rawName !== `--${token.name}`)) {
      throw new UsageError(`unknown option ${token.rawName}`);
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option --${token.name} takes no value (got '${token.value}')`);
      values[token.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && looksLikeOption(value))) {
      throw new UsageError(`option --${token.name} needs a value${spec.value ? ` ${spec.value}` : ''}`);
    }
    if (spec.multiple) values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value];
    else values[token.name] = value;
  }

  const variadic = positionals.length > 0 && positionals[positionals.length - 1]!.variadic;
  positionals.forEach((p, i) => {
    if (p.required && given[i] === undefined) throw new UsageError(`missing argument <${p.name}>`);
  });
  if (!variadic && given.length > positionals.length) {
    throw new UsageError(`unexpected argument '${given[positionals.length]}'`);
  }
  return { values, positionals: given };
}

/** True when -h/--help appears before a `--` terminator (help wins over any other mistake). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOpt(args: ParsedArgs, name: string): string[] | undefined {
  const v = args.values[name];
  return Array.isArray(v) ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** An integer option (`--max-turns 50`); a UsageError when it is not an integer or out of [min, max]. */
export function intOpt(args: ParsedArgs, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const raw = stringOpt(args, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`option --${name} must be an integer (got '${raw}')`);
  const n = Number(raw);
  checkRange(name, n, range);
  return n;
}

/** A number option (`--max-budget 2.5`); a UsageError when it is not a finite number. */
export function numberOpt(args: ParsedArgs, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const raw = stringOpt(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`option --${name} must be a number (got '${raw}')`);
  checkRange(name, n, range);
  return n;
}

function checkRange(name: string, n: number, range: { min?: number; max?: number }): void {
  if (range.min !== undefined && n < range.min) throw new UsageError(`option --${name} must be at least ${range.min} (got ${n})`);
  if (range.max !== undefined && n > range.max) throw new UsageError(`option --${name} must be at most ${range.max} (got ${n})`);
}
