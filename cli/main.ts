/**
 * bgagent — the command-line client of the platform's REST API (docs/API.md).
 *
 *   main(argv, env, io) → exit code: 0 ok, 1 API or task failure, 2 usage error, 130 Ctrl-C.
 *
 * It finds the command (`list`, `webhook create`, …), prints its help on -h/--help, parses its
 * arguments, runs it, and turns every failure into a readable message: the API's error code,
 * message and request id; the API being unreachable; a usage mistake with the command's usage.
 * cli/bin/bgagent.js starts it (through tsx) as `bgagent`; `npm run bgagent -- list` from the checkout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, stringOpt, UsageError, wantsHelp } from './args';
import { ApiError, ApiTimeoutError, ApiUnreachableError } from './api-client';
import { createContext, helpText, optionsOf, usageLine, type CliIo, type CommandSpec } from './command';
import { COMMANDS, GROUPS } from './commands';
import { ConfigError, configPath, resolveConnection } from './config';
import { colorEnabled, makeStyle, type Style } from './render';

export type { CliIo } from './command';

export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = [
    'Usage: bgagent <command> [options]',
    '',
    'Submit coding tasks to the ABCA platform, follow them live, and get pull requests.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     Help (also `bgagent <command> --help`)',
    '  -v, --version  Version',
    '',
    'Configuration: ~/.bgagent/config.json (api_url, api_key) written by `bgagent configure`;',
    'BGAGENT_CONFIG_DIR moves the folder. Environment: BGAGENT_API_URL, BGAGENT_API_KEY (X-API-Key),',
    'BGAGENT_TOKEN (a JWT, Authorization: Bearer), NO_COLOR.',
    '',
    'Examples:',
    '  bgagent configure --api-url http://127.0.0.1:8080 --api-key bgak_..._...',
    '  bgagent submit --repo acme/api --issue 42 --wait',
    '  bgagent list --status RUNNING',
    '  bgagent watch <task_id>',
  ];
  return `${lines.join('\n')}\n`;
}

function groupHelp(group: string): string {
  const subs = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...subs.map((c) => c.name.length));
  const lines = [
    `Usage: bgagent ${group} <${subs.map((c) => c.name.slice(group.length + 1)).join('|')}> [options]`,
    '',
    `${GROUPS[group]}.`,
    '',
    'Commands:',
    ...subs.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Examples:',
    ...subs.map((c) => `  ${c.examples[0]}`),
    '',
    `Run \`bgagent ${group} <command> --help\` for its options.`,
  ];
  return `${lines.join('\n')}\n`;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function suggestion(word: string, candidates: readonly string[]): string {
  const best = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? ` (did you mean '${best.c}'?)` : '';
}

const usageFailure = (io: CliIo, style: Style, message: string, usage: string): number => {
  io.stderr.write(`${style.red('error:')} ${message}\n\n${usage}`);
  return 2;
};

const commandUsage = (spec: CommandSpec): string => `Usage: ${usageLine(spec)}\nRun \`bgagent ${spec.name} --help\` for its options and examples.\n`;

/** Runs one bgagent command line; resolves to its exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const errStyle = makeStyle(colorEnabled(io.stderr, env));
  const first = argv[0];
  if (first === undefined) {
    io.stderr.write(globalHelp());
    return 2;
  }
  if (first === '--version' || first === '-v' || first === '-V' || first === 'version') {
    io.stdout.write(`bgagent ${version()}\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && argv.length === 1)) {
    io.stdout.write(globalHelp());
    return 0;
  }
  if (first === 'help') return main([...argv.slice(1), '--help'], env, io);
  if (first.startsWith('-')) return usageFailure(io, errStyle, `unknown option ${first} (options go after the command)`, globalHelp());

  let spec: CommandSpec | undefined;
  let rest: readonly string[];
  if (GROUPS[first]) {
    const sub = argv[1];
    if (sub === '--help' || sub === '-h') {
      io.stdout.write(groupHelp(first));
      return 0;
    }
    if (sub === undefined || sub.startsWith('-')) return usageFailure(io, errStyle, `missing command after '${first}'`, groupHelp(first));
    spec = COMMANDS.find((c) => c.name === `${first} ${sub}`);
    const subs = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.slice(first.length + 1));
    if (!spec) return usageFailure(io, errStyle, `unknown command '${first} ${sub}'${suggestion(sub, subs)}`, groupHelp(first));
    rest = argv.slice(2);
  } else {
    spec = COMMANDS.find((c) => c.name === first);
    const names = [...COMMANDS.filter((c) => !c.name.includes(' ')).map((c) => c.name), ...Object.keys(GROUPS)];
    if (!spec) return usageFailure(io, errStyle, `unknown command '${first}'${suggestion(first, names)}`, globalHelp());
    rest = argv.slice(1);
  }

  if (wantsHelp(rest)) {
    io.stdout.write(helpText(spec));
    return 0;
  }
  let json: boolean;
  let parsed;
  try {
    parsed = parseCommandArgs(rest, optionsOf(spec), spec.args ?? []);
    const output = stringOpt(parsed, 'output');
    if (output !== undefined && output !== 'json' && output !== 'text') throw new UsageError(`--output must be text or json (got '${output}')`);
    json = parsed.values.json === true || output === 'json';
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(io, errStyle, err.message, commandUsage(spec));
    throw err;
  }

  const ctx = createContext(env, io, json, `bgagent/${version()} node/${process.versions.node}`);
  try {
    return await spec.run(ctx, parsed);
  } catch (err) {
    if (ctx.signal.aborted) return 130;
    return reportFailure(err, spec, ctx.env, io, errStyle);
  }
}

/** Prints a failure readably; returns its exit code. */
function reportFailure(err: unknown, spec: CommandSpec, env: NodeJS.ProcessEnv, io: CliIo, style: Style): number {
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  if (err instanceof UsageError) return usageFailure(io, style, err.message, commandUsage(spec));
  if (err instanceof ApiError) {
    say(`${style.red('error:')} ${err.code} — ${err.message}${err.requestId ? ` ${style.dim(`(request ${err.requestId})`)}` : ''}`);
    const hint = hintFor(err, env);
    if (hint) say(style.dim(hint));
    return 1;
  }
  if (err instanceof ApiUnreachableError) {
    say(`${style.red('error:')} ${err.message}.`);
    say(style.dim('Is the platform running? Start it with `npm start`, or point bgagent at it with `bgagent configure --api-url <url>`.'));
    return 1;
  }
  if (err instanceof ApiTimeoutError || err instanceof ConfigError) {
    say(`${style.red('error:')} ${err.message}`);
    return 1;
  }
  say(`${style.red('error:')} ${err instanceof Error ? err.message : String(err)}`);
  if (env.BGAGENT_DEBUG && err instanceof Error && err.stack) say(err.stack);
  return 1;
}

/** What the API's own message cannot know: where the refused credentials came from. */
function hintFor(err: ApiError, env: NodeJS.ProcessEnv): string | undefined {
  switch (err.code) {
    case 'UNAUTHORIZED': {
      let auth;
      try {
        auth = resolveConnection(env).auth;
      } catch {
        return undefined;
      }
      if (auth.kind === 'none') return 'No credentials were sent: set BGAGENT_API_KEY=bgak_..., run `bgagent configure --api-key bgak_...`, or set BGAGENT_TOKEN=<JWT>.';
      if (auth.kind === 'bearer') return '(the JWT came from BGAGENT_TOKEN)';
      return auth.source === 'BGAGENT_API_KEY' ? '(the key came from BGAGENT_API_KEY, which overrides the config file)' : `(the key came from ${configPath(env)})`;
    }
    default:
      return undefined;
  }
}

/** The process entry (cli/bin/bgagent.js): Ctrl-C aborts the command (exit 130; a second Ctrl-C exits at once). */
export function run(): void {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal })
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`bgagent: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
      },
    )
    .finally(() => process.off('SIGINT', onSigint));
}

if (require.main === module) run();
