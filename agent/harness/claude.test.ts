/**
 * The claude harness with the REAL Claude Agent SDK and Claude Code binary, offline: Claude Code
 * talks to a local Messages API server that answers from a script (test/support/anthropic).
 * Three SDK runs (the binary takes a second or two to start): a full session (Write, Bash commit,
 * a nudge, the final answer), max turns, max budget. The rest needs no binary.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Options } from '@anthropic-ai/claude-agent-sdk';
import type { HarnessContext, ProgressEvent, SessionPayload } from '../contracts';
import { startMessagesServer, text, toolUse, turn, type MessagesServer } from '../../test/support/anthropic/messages-server';
import {
  ANTHROPIC_ENV_KEYS,
  BASE_ENV_KEYS,
  ClaudeHarness,
  DEFAULT_DISALLOWED_TOOLS,
  FIXED_ENV,
  buildClaudeEnv,
  buildQueryOptions,
  loadClaudeAgentSdk,
  summarizeToolCall,
  type ClaudeHarnessOptions,
} from './claude';

const SDK_TIMEOUT = 180_000;
const MODEL = 'claude-sonnet-4-5';
const API_KEY = 'sk-ant-test-harness-key';
const ADMIN_SECRET = 'abca-admin-secret-do-not-leak-7f3c';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const tmpDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** A temp dir holding a git workspace (`repo/`) and room next to it for the test's own files. */
function makeWorkspace(): { root: string; workspace: string } {
  const root = tempDir('abca-claude-');
  const workspace = join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', workspace]);
  git(workspace, 'config', 'user.email', 'agent@abca.test');
  git(workspace, 'config', 'user.name', 'ABCA Agent');
  git(workspace, 'commit', '-q', '--allow-empty', '-m', 'initial');
  return { root, workspace };
}

function payload(overrides: Partial<SessionPayload> = {}): SessionPayload {
  return {
    taskId: 'task-1',
    sessionId: 'session-1',
    userId: 'user-1',
    repo: 'acme/widgets',
    branchName: 'bgagent/task-1/add-hello',
    issueNumber: null,
    promptRef: 'file:///dev/null',
    promptVersion: 'v1',
    modelId: MODEL,
    maxTurns: 10,
    maxBudgetUsd: 5,
    deadlineAt: new Date(Date.now() + 3_600_000).toISOString(),
    cloneUrl: 'http://127.0.0.1:1/acme/widgets.git',
    gitApiUrl: 'http://127.0.0.1:1',
    harness: { type: 'claude', provider: 'anthropic' },
    verify: { build: [], test: [], lint: [], gating: 'informational' },
    telemetry: { streamName: 'telemetry', region: 'us-east-1' },
    heartbeatSeconds: 30,
    ...overrides,
  };
}

function context(workspace: string, p: SessionPayload, extra: Partial<HarnessContext> = {}): HarnessContext & { events: ProgressEvent[] } {
  const events: ProgressEvent[] = [];
  return {
    workspace,
    prompt: 'Create hello.txt and commit it.',
    payload: p,
    signal: new AbortController().signal,
    progress: (e) => events.push(e),
    nudges: () => [],
    ...extra,
    events,
  };
}

function harnessOptions(server: MessagesServer, extra: Partial<ClaudeHarnessOptions> = {}): ClaudeHarnessOptions {
  return {
    anthropic: { apiKey: API_KEY, baseUrl: server.url },
    home: tempDir('abca-claude-home-'),
    // As root, Claude Code refuses bypassPermissions unless IS_SANDBOX=1 (the real agent runs unprivileged).
    allowRootSandbox: true,
    nudgePollMs: 100,
    ...extra,
  };
}

describe('claude harness (real SDK, local Messages API)', () => {
  let server: MessagesServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test(
    'runs a scripted session: Write creates the file, Bash commits it, a nudge reaches the model, turns and cost come back; no platform secret leaks',
    async () => {
      const { root, workspace } = makeWorkspace();
      const toolEnvFile = join(root, 'tool-env.txt');
      const nudgeHandedOut = join(root, 'nudge-handed-out');
      server = await startMessagesServer({
        script: [
          turn(toolUse('Write', { file_path: join(workspace, 'hello.txt'), content: 'Hello from the agent\n' })),
          // The Bash tool runs until the harness has handed the nudge to Claude Code (not a fixed
          // `sleep 1`), so the nudge is in before the next model request; about a minute at most.
          turn(toolUse('Bash', { command: `git add -A && git commit -q -m "Add hello" && env > ${toolEnvFile} && i=0; until [ -e ${nudgeHandedOut} ] || [ $i -ge 600 ]; do sleep 0.1; i=$((i+1)); done`, description: 'Commit the file' })),
          turn(text('Done: hello.txt is committed.')),
        ],
      });

      const saved = process.env.ABCA_ADMIN_KEY;
      process.env.ABCA_ADMIN_KEY = ADMIN_SECRET;
      try {
        let nudgeReady = false;
        let nudgeSent = false;
        const nudge = 'NUDGE: please also keep the file short';
        let seenOptions: Readonly<Options> | undefined;
        const ctx = context(workspace, payload(), {
          nudges: () => {
            if (!nudgeReady || nudgeSent) return [];
            nudgeSent = true;
            writeFileSync(nudgeHandedOut, '');
            return [nudge];
          },
        });
        const progress = ctx.progress;
        const harness = new ClaudeHarness(harnessOptions(server, { onQueryOptions: (o) => (seenOptions = o) }));
        const result = await harness.run({
          ...ctx,
          progress: (e) => {
            progress(e);
            // Deliver the nudge between turns: once the first tool call is under way.
            if (e.kind === 'tool_call') nudgeReady = true;
          },
        });

        expect(result).toEqual({ outcome: 'success', error: null, turns: 3, costUsd: expect.any(Number) });
        expect(result.costUsd).toBeGreaterThan(0);

        // The scripted Write created the file in the workspace; the scripted Bash committed it.
        expect(readFileSync(join(workspace, 'hello.txt'), 'utf8')).toBe('Hello from the agent\n');
        expect(git(workspace, 'log', '--format=%s')).toBe('Add hello\ninitial');
        expect(git(workspace, 'status', '--porcelain')).toBe('');

        // Progress: the session start, three turns, both tool calls, the cost.
        const events = ctx.events;
        expect(events[0]).toEqual({ kind: 'milestone', name: 'claude_session_started', detail: expect.stringContaining(MODEL) });
        expect(events.filter((e) => e.kind === 'turn').map((e) => (e.kind === 'turn' ? e.turn : 0))).toEqual([1, 2, 3]);
        expect(events).toContainEqual({ kind: 'turn', turn: 3, text: 'Done: hello.txt is committed.' });
        expect(events.filter((e) => e.kind === 'tool_call')).toEqual([
          { kind: 'tool_call', tool: 'Write', summary: 'hello.txt' },
          { kind: 'tool_call', tool: 'Bash', summary: expect.stringContaining('git add -A && git commit -q -m "Add hello"') },
        ]);
        expect(events[events.length - 1]).toEqual({ kind: 'cost_update', costUsd: result.costUsd, turns: 3 });

        // The server saw the agent loop: the payload's model, Claude Code's tools minus the disallowed ones.
        const main = server.mainRequests();
        expect(main).toHaveLength(3);
        for (const r of main) {
          expect(r.model).toBe(MODEL);
          expect(r.stream).toBe(true);
          expect(r.tools).toEqual(expect.arrayContaining(['Bash', 'Write', 'Read', 'Edit']));
          expect(r.tools).not.toContain('WebFetch');
          expect(r.tools).not.toContain('WebSearch');
          expect(r.headers['x-api-key']).toBe(API_KEY);
        }
        expect(main.map((r) => r.messageCount)).toEqual([1, 3, 5]);
        expect(main[0]!.raw).toContain('Create hello.txt and commit it.');
        expect(main[1]!.raw).toContain('toolu_scripted_1'); // the Write's tool_result
        // The nudge was folded into a later model request (between turns), never the first.
        expect(main[0]!.raw).not.toContain(nudge);
        expect(main.slice(1).some((r) => r.raw.includes(nudge))).toBe(true);
        // With non-essential traffic off, Claude Code makes no other calls (no /api/hello, no title request).
        expect(server.otherRequests().map((r) => `${r.method} ${r.path}`)).toEqual([]);

        // No platform secret: not in the env given to the SDK, not in the tools' env, never on the wire.
        expect(seenOptions?.env).toBeDefined();
        const env = seenOptions!.env!;
        expect(env).not.toHaveProperty('ABCA_ADMIN_KEY');
        const allowed = new Set([...BASE_ENV_KEYS, ...ANTHROPIC_ENV_KEYS, ...Object.keys(FIXED_ENV), 'IS_SANDBOX']);
        expect(Object.keys(env).filter((k) => !allowed.has(k))).toEqual([]);
        expect(env.IS_SANDBOX).toBe(isRoot ? '1' : undefined);
        const toolEnv = readFileSync(toolEnvFile, 'utf8');
        expect(toolEnv).not.toContain('ABCA_ADMIN_KEY');
        expect(toolEnv).not.toContain(ADMIN_SECRET);
        for (const r of server.requests) {
          expect(r.raw).not.toContain(ADMIN_SECRET);
          expect(JSON.stringify(r.headers)).not.toContain(ADMIN_SECRET);
        }
      } finally {
        if (saved === undefined) delete process.env.ABCA_ADMIN_KEY;
        else process.env.ABCA_ADMIN_KEY = saved;
      }
    },
    SDK_TIMEOUT,
  );

  test(
    'enforces max turns: a script with more tool turns than allowed ends in error "max turns"',
    async () => {
      const { workspace } = makeWorkspace();
      server = await startMessagesServer({
        script: [1, 2, 3, 4, 5].map((n) => turn(toolUse('Bash', { command: `echo step ${n}`, description: `step ${n}` }))),
      });
      const ctx = context(workspace, payload({ maxTurns: 2 }));
      const result = await new ClaudeHarness(harnessOptions(server)).run(ctx);

      expect(result).toEqual({ outcome: 'error', error: 'max turns reached (2)', turns: 2, costUsd: expect.any(Number) });
      expect(result.costUsd).toBeGreaterThan(0);
      expect(server.turnsServed()).toBe(2);
      expect(ctx.events.filter((e) => e.kind === 'tool_call')).toHaveLength(2);
      expect(ctx.events[ctx.events.length - 1]).toEqual({ kind: 'cost_update', costUsd: result.costUsd, turns: 2 });
    },
    SDK_TIMEOUT,
  );

  test(
    'enforces the budget: the session stops once the reported cost exceeds maxBudgetUsd, error "budget exceeded"',
    async () => {
      const { workspace } = makeWorkspace();
      // Each scripted turn costs about $0.0006 at Sonnet's list price (100 input, 20 output tokens).
      server = await startMessagesServer({
        script: [1, 2, 3, 4, 5, 6].map((n) => turn(toolUse('Bash', { command: `echo step ${n}`, description: `step ${n}` }))),
      });
      const ctx = context(workspace, payload({ maxTurns: 50, maxBudgetUsd: 0.001 }));
      const result = await new ClaudeHarness(harnessOptions(server)).run(ctx);

      expect(result).toMatchObject({ outcome: 'error', error: 'budget exceeded' });
      expect(result.costUsd).toBeGreaterThan(0.001);
      expect(result.turns).toBeGreaterThanOrEqual(1);
      expect(server.turnsServed()).toBeLessThan(6);
    },
    SDK_TIMEOUT,
  );
});

describe('claude harness (no SDK run)', () => {
  test('loads the ESM SDK from CommonJS under jest', async () => {
    const sdk = await loadClaudeAgentSdk();
    expect(typeof sdk.query).toBe('function');
    expect(await loadClaudeAgentSdk()).toBe(sdk);
  });

  test('a cancelled signal stops before Claude Code starts', async () => {
    const ac = new AbortController();
    ac.abort();
    const result = await new ClaudeHarness({ anthropic: { apiKey: 'k' } }).run(context('/nonexistent', payload(), { signal: ac.signal }));
    expect(result).toEqual({ outcome: 'error', error: 'cancelled', turns: 0, costUsd: 0 });
  });

  test('missing credentials are an error result, not a throw', async () => {
    const result = await new ClaudeHarness({ sourceEnv: { PATH: '/usr/bin' } }).run(context('/nonexistent', payload()));
    expect(result).toEqual({ outcome: 'error', error: expect.stringMatching(/ANTHROPIC_API_KEY/), turns: 0, costUsd: 0 });
  });

  describe('buildClaudeEnv', () => {
    const source = {
      PATH: '/usr/bin:/bin',
      HOME: '/home/agent',
      LANG: 'C.UTF-8',
      ABCA_ADMIN_KEY: 'secret',
      GITHUB_TOKEN: 'ghp_secret',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      ANTHROPIC_API_KEY: 'sk-ant-1',
      ANTHROPIC_BASE_URL: 'https://gateway.example',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'shh',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
    };

    test('anthropic: base variables, the API key and URL, fixed switches; nothing else', () => {
      expect(buildClaudeEnv('anthropic', { sourceEnv: source }, false)).toEqual({
        PATH: '/usr/bin:/bin',
        HOME: '/home/agent',
        LANG: 'C.UTF-8',
        ANTHROPIC_API_KEY: 'sk-ant-1',
        ANTHROPIC_BASE_URL: 'https://gateway.example',
        ...FIXED_ENV,
      });
    });

    test('bedrock: CLAUDE_CODE_USE_BEDROCK, region and AWS credentials; no Anthropic key', () => {
      const env = buildClaudeEnv('bedrock', { sourceEnv: source }, false);
      expect(env).toEqual({
        PATH: '/usr/bin:/bin',
        HOME: '/home/agent',
        LANG: 'C.UTF-8',
        CLAUDE_CODE_USE_BEDROCK: '1',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_SECRET_ACCESS_KEY: 'shh',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
        ...FIXED_ENV,
      });
      expect(buildClaudeEnv('bedrock', { sourceEnv: { AWS_DEFAULT_REGION: 'us-west-2' } }, false).AWS_REGION).toBe('us-west-2');
      expect(() => buildClaudeEnv('bedrock', { sourceEnv: { PATH: '/bin' } }, false)).toThrow(/region/);
    });

    test('explicit credentials replace the source environment; extraEnv and home are applied', () => {
      const env = buildClaudeEnv('anthropic', { sourceEnv: source, anthropic: { authToken: 'tok' }, home: '/tmp/h', extraEnv: { HTTPS_PROXY: 'http://proxy:3128' } }, false);
      expect(env.ANTHROPIC_AUTH_TOKEN).toBe('tok');
      expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
      expect(env).not.toHaveProperty('ANTHROPIC_BASE_URL');
      expect(env.HOME).toBe('/tmp/h');
      expect(env.HTTPS_PROXY).toBe('http://proxy:3128');
      const bedrock = buildClaudeEnv('bedrock', { sourceEnv: source, bedrock: { region: 'ap-south-1' } }, false);
      expect(bedrock).not.toHaveProperty('AWS_ACCESS_KEY_ID');
      expect(bedrock.AWS_REGION).toBe('ap-south-1');
    });

    test('IS_SANDBOX only as root and only with allowRootSandbox', () => {
      expect(buildClaudeEnv('anthropic', { sourceEnv: source }, true)).not.toHaveProperty('IS_SANDBOX');
      expect(buildClaudeEnv('anthropic', { sourceEnv: source, allowRootSandbox: true }, false)).not.toHaveProperty('IS_SANDBOX');
      expect(buildClaudeEnv('anthropic', { sourceEnv: source, allowRootSandbox: true }, true).IS_SANDBOX).toBe('1');
    });
  });

  test('buildQueryOptions: workspace, model, limits, bypassPermissions, disallowed tools', () => {
    const ctx = context('/work/ws', payload({ maxTurns: 7, maxBudgetUsd: 2.5 }));
    const o = buildQueryOptions(ctx, { PATH: '/bin' });
    expect(o).toMatchObject({
      cwd: '/work/ws',
      model: MODEL,
      maxTurns: 7,
      maxBudgetUsd: 2.5,
      permissionMode: 'bypassPermissions',
      allowDangerouslySkipPermissions: true,
      disallowedTools: [...DEFAULT_DISALLOWED_TOOLS],
      env: { PATH: '/bin' },
      strictMcpConfig: true,
      persistSession: false,
      settingSources: ['project'],
      verbatimPrompts: true,
    });
    expect(o.disallowedTools).toEqual(expect.arrayContaining(['WebFetch', 'WebSearch']));
    const web = buildQueryOptions(context('/w', payload({ maxBudgetUsd: null })), {}, { allowWeb: true });
    expect(web.disallowedTools).not.toContain('WebFetch');
    expect(web.disallowedTools).not.toContain('WebSearch');
    expect(web).not.toHaveProperty('maxBudgetUsd');
  });

  test('summarizeToolCall', () => {
    expect(summarizeToolCall('Bash', { command: 'npm  test\n  --silent' }, '/ws')).toBe('npm test --silent');
    expect(summarizeToolCall('Edit', { file_path: '/ws/src/a.ts', old_string: 'x' }, '/ws')).toBe('src/a.ts');
    expect(summarizeToolCall('Read', { file_path: '/etc/hosts' }, '/ws')).toBe('/etc/hosts');
    expect(summarizeToolCall('Grep', { pattern: 'TODO', path: '/ws/src' }, '/ws')).toBe('TODO in src');
    expect(summarizeToolCall('Task', { description: 'Explore the repo' }, '/ws', 'Explore')).toBe('[Explore] Explore the repo');
    expect(summarizeToolCall('mcp__x__y', { a: 1 }, '/ws')).toBe('{"a":1}');
    expect(summarizeToolCall('Bash', { command: 'x'.repeat(500) }, '/ws')).toHaveLength(200);
  });
});
