/**
 * The `claude` harness: runs Claude Code through `@anthropic-ai/claude-agent-sdk` (`query()`) in the
 * task's workspace, against the Anthropic API or Amazon Bedrock.
 *
 * - Limits: `maxTurns` and `maxBudgetUsd` from the session payload go to the SDK (0.3.x has both),
 *   which stops with `error_max_turns` / `error_max_budget_usd` → error "max turns reached (N)" /
 *   "budget exceeded". The SDK checks the budget after each model turn, so the last turn can go
 *   over it; the harness also compares the cost of every `result` against the budget (aborting the
 *   query if it is still running) and reports "budget exceeded" whenever it is over.
 * - Permissions: `bypassPermissions` (nobody is there to approve a tool call; the sandbox is the
 *   compute), minus DEFAULT_DISALLOWED_TOOLS (see there).
 * - Environment: built explicitly (see buildClaudeEnv). Claude Code gets PATH/HOME/locale, the
 *   provider's endpoint and credentials, and fixed switches — nothing else from the agent's
 *   process environment, so platform secrets never reach the model, its tools or the API.
 * - Progress: assistant turns → `turn`, tool_use blocks → `tool_call`, results → `cost_update`,
 *   the session start → milestone `claude_session_started`, API errors → `error`.
 * - Nudges: the prompt is a stream of user messages (the SDK's streaming input). The harness polls
 *   `context.nudges()` (treated as draining: each call returns the messages not yet delivered)
 *   whenever the SDK reports something and every `nudgePollMs`, and sends each nudge with priority
 *   'next': Claude Code folds it into the next model request of the running turn ("The user sent a
 *   new message while you were working: …"). Once the final result arrives the input is closed and
 *   later nudges are not delivered.
 * - Cancellation: `context.signal` aborts the SDK's AbortController (the Claude Code process is
 *   stopped); the outcome is error "cancelled".
 * - Root: Claude Code refuses `bypassPermissions` as root unless IS_SANDBOX=1. The real agent runs as
 *   an unprivileged user (the compute does that), so the harness never sets IS_SANDBOX on its own:
 *   only `allowRootSandbox: true` does it, and only when the process runs as root — for tests and
 *   throwaway containers whose only user is root.
 *
 * The SDK is an ES module; this code is CommonJS. It is loaded with a real dynamic `import()` (see
 * loadClaudeAgentSdk), which also works under jest's CommonJS runtime.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { AgentHarness, HarnessContext, HarnessResult, ProgressEvent } from '../contracts';
import type { Options, Query, SDKMessage, SDKResultMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';

type ClaudeAgentSdk = typeof import('@anthropic-ai/claude-agent-sdk');

/**
 * Tools Claude Code does not get (names as the SDK's `disallowedTools` spells them; names a Claude
 * Code version does not have are ignored):
 * - WebFetch, WebSearch: network egress and a path for prompt injection; off unless `allowWeb`.
 * - AskUserQuestion: nobody answers in an unattended session (users steer with nudges instead).
 * - CronCreate, CronDelete, CronList, ScheduleWakeup: schedule work after the session; the session
 *   ends with the harness, so nothing would run it.
 * - EnterWorktree, ExitWorktree: move the work to another worktree and branch, where the agent's
 *   safety-net commit and push of the task branch would not find it.
 */
const WEB_TOOLS = ['WebFetch', 'WebSearch'] as const;
export const DEFAULT_DISALLOWED_TOOLS: readonly string[] = [
  ...WEB_TOOLS,
  'AskUserQuestion',
  'CronCreate',
  'CronDelete',
  'CronList',
  'ScheduleWakeup',
  'EnterWorktree',
  'ExitWorktree',
];

/** Variables taken from the agent's environment by name, whatever the provider (no secrets). */
export const BASE_ENV_KEYS: readonly string[] = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];

/** Provider 'anthropic': read by name from the source environment unless given explicitly. */
export const ANTHROPIC_ENV_KEYS: readonly string[] = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'];

/**
 * Provider 'bedrock': region, static or session credentials, and the variables through which the
 * AWS credential chain finds a role (ECS/AgentCore container credentials, web identity, profile).
 */
export const BEDROCK_ENV_KEYS: readonly string[] = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_BEARER_TOKEN_BEDROCK',
  'ANTHROPIC_BEDROCK_BASE_URL',
];

/** Always set: no telemetry, error reporting, update checks or session-title calls; an app id. */
export const FIXED_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  CLAUDE_AGENT_SDK_CLIENT_APP: 'abca-agent/0.1.0',
};

interface AnthropicCredentials {
  readonly apiKey?: string;
  /** A bearer token (LLM gateways) instead of an API key. */
  readonly authToken?: string;
  readonly baseUrl?: string;
}

interface BedrockCredentials {
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  readonly profile?: string;
  readonly baseUrl?: string;
}

export interface ClaudeHarnessOptions {
  /** Credentials for provider 'anthropic'. Default: ANTHROPIC_ENV_KEYS from `sourceEnv`. */
  readonly anthropic?: AnthropicCredentials;
  /** Credentials for provider 'bedrock'. Default: BEDROCK_ENV_KEYS from `sourceEnv`. */
  readonly bedrock?: BedrockCredentials;
  /** Where the named variables are read from. Default: process.env. Only the listed names are read. */
  readonly sourceEnv?: Readonly<Record<string, string | undefined>>;
  /** HOME for Claude Code (its ~/.claude state). Default: HOME of `sourceEnv`. */
  readonly home?: string;
  /** Further variables, set explicitly by the caller (a proxy, a CA bundle, model pins). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Replaces DEFAULT_DISALLOWED_TOOLS. */
  readonly disallowedTools?: readonly string[];
  /** Allow WebFetch and WebSearch (removed from the disallowed list). Default false. */
  readonly allowWeb?: boolean;
  /** Set IS_SANDBOX=1 when running as root (see the module comment). Default false. */
  readonly allowRootSandbox?: boolean;
  /** Filesystem settings Claude Code loads. Default ['project'] (the repo's CLAUDE.md and .claude/settings.json). */
  readonly settingSources?: NonNullable<Options['settingSources']>;
  /**
   * Deliver the prompt and nudges as written: no `@path` expansion or slash-command dispatch (the
   * prompt carries issue text, which nobody vetted). Default true.
   */
  readonly verbatimPrompts?: boolean;
  /** Appended to Claude Code's system prompt. */
  readonly appendSystemPrompt?: string;
  /** How often nudges are polled while the model or a tool runs. Default 1000 ms. */
  readonly nudgePollMs?: number;
  /** How long Claude Code may take to exit after the final result before it is closed. Default 15 s. */
  readonly exitGraceMs?: number;
  readonly pathToClaudeCodeExecutable?: string;
  /** Claude Code's stderr, line by line (the last lines also end up in error messages). */
  readonly stderr?: (line: string) => void;
  /** Sees the options given to `query()` (diagnostics, tests). */
  readonly onQueryOptions?: (options: Readonly<Options>) => void;
}

/** The environment Claude Code runs with. Throws when the provider's credentials are missing. */
export function buildClaudeEnv(provider: 'anthropic' | 'bedrock', options: ClaudeHarnessOptions = {}, isRoot: boolean = isRootUser()): Record<string, string> {
  const source = options.sourceEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const key of BASE_ENV_KEYS) {
    const value = source[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  if (options.home !== undefined) env.HOME = options.home;

  if (provider === 'anthropic') {
    const creds = options.anthropic ?? { apiKey: source.ANTHROPIC_API_KEY, authToken: source.ANTHROPIC_AUTH_TOKEN, baseUrl: source.ANTHROPIC_BASE_URL };
    if (!creds.apiKey && !creds.authToken) throw new Error('provider anthropic: no ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN');
    if (creds.apiKey) env.ANTHROPIC_API_KEY = creds.apiKey;
    if (creds.authToken) env.ANTHROPIC_AUTH_TOKEN = creds.authToken;
    if (creds.baseUrl) env.ANTHROPIC_BASE_URL = creds.baseUrl;
  } else {
    env.CLAUDE_CODE_USE_BEDROCK = '1';
    if (options.bedrock) {
      const b = options.bedrock;
      const named: Record<string, string | undefined> = {
        AWS_REGION: b.region,
        AWS_ACCESS_KEY_ID: b.accessKeyId,
        AWS_SECRET_ACCESS_KEY: b.secretAccessKey,
        AWS_SESSION_TOKEN: b.sessionToken,
        AWS_PROFILE: b.profile,
        ANTHROPIC_BEDROCK_BASE_URL: b.baseUrl,
      };
      for (const [k, v] of Object.entries(named)) if (v) env[k] = v;
    } else {
      for (const key of BEDROCK_ENV_KEYS) {
        const value = source[key];
        if (value !== undefined && value !== '') env[key] = value;
      }
      if (!env.AWS_REGION && env.AWS_DEFAULT_REGION) env.AWS_REGION = env.AWS_DEFAULT_REGION;
    }
    if (!env.AWS_REGION) throw new Error('provider bedrock: no AWS region (AWS_REGION)');
  }

  Object.assign(env, FIXED_ENV, options.extraEnv ?? {});
  if (isRoot && options.allowRootSandbox) env.IS_SANDBOX = '1';
  return env;
}

/** The `query()` options for a session (without the abort controller, stderr and input). */
export function buildQueryOptions(context: HarnessContext, env: Record<string, string>, options: ClaudeHarnessOptions = {}): Options {
  const { payload } = context;
  const disallowed = (options.disallowedTools ?? DEFAULT_DISALLOWED_TOOLS).filter((t) => !(options.allowWeb && (WEB_TOOLS as readonly string[]).includes(t)));
  return {
    cwd: context.workspace,
    model: payload.modelId,
    maxTurns: payload.maxTurns,
    ...(payload.maxBudgetUsd != null ? { maxBudgetUsd: payload.maxBudgetUsd } : {}),
    permissionMode: 'bypassPermissions',
    allowDangerouslySkipPermissions: true,
    disallowedTools: [...disallowed],
    tools: { type: 'preset', preset: 'claude_code' },
    systemPrompt: { type: 'preset', preset: 'claude_code', ...(options.appendSystemPrompt ? { append: options.appendSystemPrompt } : {}) },
    settingSources: options.settingSources ?? ['project'],
    // Only the servers given here (none): a repo's .mcp.json does not start processes or connect out.
    strictMcpConfig: true,
    // Sessions are not resumed: no transcripts on disk.
    persistSession: false,
    verbatimPrompts: options.verbatimPrompts ?? true,
    env,
    ...(options.pathToClaudeCodeExecutable ? { pathToClaudeCodeExecutable: options.pathToClaudeCodeExecutable } : {}),
  };
}

let sdkPromise: Promise<ClaudeAgentSdk> | undefined;

/**
 * Loads the (ESM) SDK from CommonJS. TypeScript compiles `import()` to `require()` under
 * module=commonjs, so the import is built at run time. Under plain Node `new Function` gives a
 * real `import()`; under jest (code runs in a vm context without a dynamic-import callback) that
 * throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING*, and a vm script with Node's default loader
 * (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER, Node ≥ 20.12) imports it instead. The module is
 * resolved to a file URL first, so the import does not depend on the current directory.
 */
export function loadClaudeAgentSdk(): Promise<ClaudeAgentSdk> {
  sdkPromise ??= (async () => {
    const url = pathToFileURL(require.resolve('@anthropic-ai/claude-agent-sdk')).href;
    try {
      return (await (new Function('s', 'return import(s)') as (s: string) => Promise<ClaudeAgentSdk>)(url));
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const loader = (vm.constants as unknown as Record<string, unknown> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
      if (!code.startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') || !loader) throw err;
      const script = new vm.Script('(s) => import(s)', { importModuleDynamically: loader as never });
      return (await (script.runInThisContext() as (s: string) => Promise<ClaudeAgentSdk>)(url));
    }
  })();
  sdkPromise.catch(() => (sdkPromise = undefined));
  return sdkPromise;
}

export class ClaudeHarness implements AgentHarness {
  readonly type = 'claude' as const;

  constructor(private readonly options: ClaudeHarnessOptions = {}) {}

  async run(context: HarnessContext): Promise<HarnessResult> {
    const spec = context.payload.harness;
    if (spec.type !== 'claude') return fail(`the claude harness cannot run a '${spec.type}' harness spec`);
    if (context.signal.aborted) return fail('cancelled');

    let env: Record<string, string>;
    try {
      env = buildClaudeEnv(spec.provider, this.options);
    } catch (err) {
      return fail((err as Error).message);
    }

    const stderrTail: string[] = [];
    const abortController = new AbortController();
    const onAbort = () => abortController.abort();
    context.signal.addEventListener('abort', onAbort, { once: true });

    const budget = context.payload.maxBudgetUsd;
    const state = new RunState(context, this.options.nudgePollMs ?? 1000);
    const queryOptions: Options = {
      ...buildQueryOptions(context, env, this.options),
      abortController,
      stderr: (data: string) => {
        for (const line of data.split('\n')) {
          if (!line.trim()) continue;
          stderrTail.push(line);
          if (stderrTail.length > 20) stderrTail.shift();
          this.options.stderr?.(line);
        }
      },
    };
    this.options.onQueryOptions?.(queryOptions);

    let q: Query | undefined;
    let thrown: unknown;
    let closeTimer: NodeJS.Timeout | undefined;
    try {
      const sdk = await loadClaudeAgentSdk();
      const running = sdk.query({ prompt: state.input(), options: queryOptions });
      q = running;
      for await (const message of running) {
        state.observe(message);
        if (budget != null && state.costUsd > budget && !state.budgetExceeded) {
          state.budgetExceeded = true;
          abortController.abort();
        }
        // After the final result the input is closed and Claude Code exits; should it linger
        // (a background task), it is closed after a grace period.
        if (state.finished && !closeTimer) closeTimer = setTimeout(() => running.close(), this.options.exitGraceMs ?? 15_000);
      }
    } catch (err) {
      thrown = err;
    } finally {
      clearTimeout(closeTimer);
      state.finish();
      context.signal.removeEventListener('abort', onAbort);
      try {
        q?.close();
      } catch {
        /* already closed */
      }
    }

    const turns = state.totalTurns();
    const costUsd = state.costUsd;
    const r = state.result;
    // The budget is a hard limit: a session whose reported cost went over it is an error, even if
    // its last turn (the one that went over) finished the work.
    if (state.budgetExceeded || r?.subtype === 'error_max_budget_usd') return { outcome: 'error', error: 'budget exceeded', turns, costUsd };
    if (r && r.subtype === 'success' && !r.is_error) return { outcome: 'success', error: null, turns, costUsd };
    if (context.signal.aborted) return { outcome: 'error', error: 'cancelled', turns, costUsd };
    // The SDK throws after it delivered an error result ("Claude Code returned an error result"):
    // the result says what happened, so that error adds nothing.
    if (r) return { outcome: 'error', error: describeError(r, context.payload.maxTurns), turns, costUsd };
    const why = thrown ? (thrown as Error).message ?? String(thrown) : 'Claude Code ended without a result';
    const lastLine = stderrTail[stderrTail.length - 1];
    const tail = lastLine && !why.includes(lastLine) ? ` (stderr: ${stderrTail.slice(-5).join(' | ')})` : '';
    return { outcome: 'error', error: `${why}${tail}`.slice(0, 2000), turns, costUsd };
  }
}

/** What the harness learns from the SDK's messages, and the input stream (prompt, then nudges). */
class RunState {
  turns = 0;
  costUsd = 0;
  budgetExceeded = false;
  result: SDKResultMessage | undefined;
  /** The final result arrived (or the run ended): the input stream is closed. */
  finished = false;
  private readonly seenMessageIds = new Set<string>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly context: HarnessContext,
    private readonly pollMs: number,
  ) {}

  async *input(): AsyncGenerator<SDKUserMessage, void> {
    yield userMessage(this.context.prompt);
    while (!this.finished) {
      for (const nudge of this.pendingNudges()) yield userMessage(nudge, 'next');
      if (this.finished) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.pollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
  }

  observe(message: SDKMessage): void {
    const emit = (event: ProgressEvent) => {
      try {
        this.context.progress(event);
      } catch {
        /* a failing progress sink does not stop the session */
      }
    };
    switch (message.type) {
      case 'system':
        if (message.subtype === 'init') emit({ kind: 'milestone', name: 'claude_session_started', detail: `model ${message.model}, Claude Code ${message.claude_code_version ?? '?'}` });
        break;
      case 'assistant': {
        const main = message.parent_tool_use_id === null;
        const id = message.message.id;
        if (main && !this.seenMessageIds.has(id)) {
          this.seenMessageIds.add(id);
          this.turns++;
          const text = textOf(message.message.content);
          emit(text ? { kind: 'turn', turn: this.turns, text } : { kind: 'turn', turn: this.turns });
        }
        for (const block of message.message.content) {
          if (block.type === 'tool_use') {
            emit({ kind: 'tool_call', tool: block.name, summary: summarizeToolCall(block.name, block.input, this.context.workspace, main ? undefined : message.subagent_type ?? 'subagent') });
          }
        }
        if (message.error) emit({ kind: 'error', message: `model request failed: ${message.error}` });
        break;
      }
      case 'result':
        this.result = message;
        this.costUsd = Math.max(this.costUsd, message.total_cost_usd ?? 0);
        emit({ kind: 'cost_update', costUsd: this.costUsd, turns: this.totalTurns() });
        // A nudge that arrived during the final answer starts a queued turn: keep the input open for it.
        if (!message.queued_turn_count) this.finish();
        break;
      default:
        break;
    }
    this.wake?.();
  }

  /**
   * Model turns taken: the result's num_turns, or the main-thread turns seen if more (several
   * results in one session). On error_max_turns num_turns counts the refused turn too (maxTurns + 1),
   * so it is capped at maxTurns there.
   */
  totalTurns(): number {
    const r = this.result;
    const reported = r ? (r.subtype === 'error_max_turns' ? Math.min(r.num_turns, this.context.payload.maxTurns) : r.num_turns) : 0;
    return Math.max(reported, this.turns);
  }

  finish(): void {
    this.finished = true;
    this.wake?.();
  }

  private pendingNudges(): readonly string[] {
    try {
      return this.context.nudges().filter((n) => n.trim() !== '');
    } catch {
      return [];
    }
  }
}

function userMessage(text: string, priority?: 'next'): SDKUserMessage {
  return { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, ...(priority ? { priority } : {}) };
}

function fail(error: string): HarnessResult {
  return { outcome: 'error', error, turns: 0, costUsd: 0 };
}

function describeError(r: SDKResultMessage, maxTurns: number): string {
  switch (r.subtype) {
    case 'error_max_turns':
      return `max turns reached (${maxTurns})`;
    case 'error_max_budget_usd':
      return 'budget exceeded';
    case 'success':
      return `Claude Code ended with an error: ${truncate(r.result || 'unknown error', 500)}`;
    default: {
      const reason = r.startup_failure_reason ? ` [${r.startup_failure_reason}]` : '';
      return `${r.subtype}${reason}: ${truncate(r.errors.join('; ') || 'no details', 1000)}`;
    }
  }
}

function textOf(content: readonly { type: string }[]): string | undefined {
  const text = content
    .filter((b): b is { type: 'text'; text: string } => b.type === 'text' && typeof (b as { text?: unknown }).text === 'string')
    .map((b) => b.text)
    .join('\n')
    .trim();
  return text ? truncate(text, 500) : undefined;
}

/** A one-line description of a tool call: the command, the file, the pattern. */
export function summarizeToolCall(tool: string, input: unknown, workspace: string, subagent?: string): string {
  const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof i[k] === 'string' ? (i[k] as string) : undefined);
  const rel = (p: string | undefined) => (p && path.isAbsolute(p) && (p === workspace || p.startsWith(workspace + path.sep)) ? path.relative(workspace, p) || '.' : p);
  let summary: string;
  switch (tool) {
    case 'Bash':
      summary = str('command') ?? '';
      break;
    case 'Write':
    case 'Edit':
    case 'Read':
    case 'NotebookEdit':
      summary = rel(str('file_path') ?? str('notebook_path')) ?? '';
      break;
    case 'Grep':
    case 'Glob':
      summary = [str('pattern'), rel(str('path'))].filter(Boolean).join(' in ');
      break;
    case 'Task':
    case 'Agent':
      summary = str('description') ?? str('subagent_type') ?? '';
      break;
    case 'WebFetch':
      summary = str('url') ?? '';
      break;
    case 'WebSearch':
      summary = str('query') ?? '';
      break;
    default:
      summary = safeJson(i);
  }
  summary = summary.replace(/\s+/g, ' ').trim();
  return truncate(subagent ? `[${subagent}] ${summary}` : summary, 200);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function isRootUser(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
