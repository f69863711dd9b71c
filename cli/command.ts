/**
 * What a command is (name, options, positionals, examples, run) and what it gets to run: the
 * environment, the output streams with their styles, the cancellation signal (Ctrl-C), and a lazily
 * built API client. Also the help text of a command, generated from its spec.
 */
import type { OptionSpec, ParsedArgs, PositionalSpec } from './args';
import { ApiClient } from './api-client';
import { resolveConnection } from './config';
import { colorEnabled, makeStyle, type OutStream, type Style } from './render';

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Aborted on Ctrl-C: the running command stops and bgagent exits 130. */
  readonly signal?: AbortSignal;
  /** Clock (tests). */
  readonly now?: () => number;
}

export interface Context {
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** --json / --output json: machine output on stdout. */
  readonly json: boolean;
  /** Styles of stdout and stderr (colours only on a TTY without NO_COLOR). */
  readonly style: Style;
  readonly errStyle: Style;
  /** Milliseconds between two polls of watch / --wait (BGAGENT_POLL_INTERVAL_MS, default 2000). */
  readonly pollIntervalMs: number;
  out(line?: string): void;
  err(line?: string): void;
  printJson(value: unknown): void;
  client(): ApiClient;
}

export interface CommandSpec {
  /** `list`, `webhook create`, … */
  readonly name: string;
  readonly summary: string;
  readonly args?: readonly PositionalSpec[];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly string[];
  /** Extra paragraphs of the help. */
  readonly notes?: readonly string[];
  run(ctx: Context, args: ParsedArgs): Promise<number>;
}

const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'Machine output: the API\'s JSON on stdout' },
  output: { type: 'string', value: '<text|json>', description: 'Output format (as the original CLI; --output json = --json)' },
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
};

export function optionsOf(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...COMMON_OPTIONS };
}

export function usageLine(spec: CommandSpec): string {
  const args = (spec.args ?? []).map((a) => {
    const name = `${a.name}${a.variadic ? '...' : ''}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  return ['bgagent', spec.name, ...args, '[options]'].join(' ');
}

export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: ${usageLine(spec)}`, '', spec.summary];
  if (spec.notes?.length) lines.push('', ...spec.notes);
  if (spec.args?.length) {
    lines.push('', 'Arguments:');
    const width = Math.max(...spec.args.map((a) => a.name.length)) + 2;
    for (const a of spec.args) lines.push(`  ${a.name.padEnd(width)}  ${a.description}${a.required ? '' : ' (optional)'}`);
  }
  lines.push('', 'Options:');
  const entries = Object.entries(optionsOf(spec)).map(([name, o]) => {
    const left = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [left, `${o.description}${o.multiple ? ' (repeatable)' : ''}`] as const;
  });
  const width = Math.max(...entries.map(([l]) => l.length));
  for (const [left, desc] of entries) lines.push(`  ${left.padEnd(width)}  ${desc}`);
  lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function createContext(env: NodeJS.ProcessEnv, io: CliIo, json: boolean, userAgent: string): Context {
  const signal = io.signal ?? new AbortController().signal;
  const style = makeStyle(colorEnabled(io.stdout, env));
  const errStyle = makeStyle(colorEnabled(io.stderr, env));
  let client: ApiClient | undefined;
  return {
    env,
    io,
    signal,
    now: io.now ?? Date.now,
    json,
    style,
    errStyle,
    pollIntervalMs: positiveInt(env.BGAGENT_POLL_INTERVAL_MS, 2000),
    out: (line = '') => void io.stdout.write(`${line}\n`),
    err: (line = '') => void io.stderr.write(`${line}\n`),
    printJson: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    client() {
      if (!client) {
        const { apiUrl, auth } = resolveConnection(env);
        client = new ApiClient({
          apiUrl,
          auth,
          signal,
          userAgent,
          timeoutMs: positiveInt(env.BGAGENT_TIMEOUT_MS, 30_000),
          onRetry: ({ status, attempt, delayMs }) =>
            io.stderr.write(
              `${errStyle.dim(`${status === 429 ? 'rate limited (429)' : status === 503 ? 'service unavailable (503)' : 'connection dropped'}, retry ${attempt} in ${(delayMs / 1000).toFixed(1)}s…`)}\n`,
            ),
        });
      }
      return client;
    },
  };
}
