import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SessionPayload } from '../contracts';
import { FileBlobReader } from '../adapters/blob-reader';
import { ReplayHarness, type ReplayStep } from '../harness/replay';
import { RecordingMemoryFake, RecordingPullRequestsFake, RecordingTelemetryFake } from '../testing/fakes';
import { createOrigin, git, testPayload, trailerLines, type TestOrigin } from '../testing/git-fixtures';
import { runSession, type RunSessionDeps } from './run-session';
import { SAFETY_NET_MESSAGE } from './safety-net';

jest.setTimeout(60_000);

let origin: TestOrigin;
let prs: RecordingPullRequestsFake;
let telemetry: RecordingTelemetryFake;
let memory: RecordingMemoryFake;

beforeEach(() => {
  origin = createOrigin({ 'src/greet.sh': 'echo Helo\n', 'check.sh': 'sh src/greet.sh | grep -qx Hello\n' });
  prs = new RecordingPullRequestsFake();
  telemetry = new RecordingTelemetryFake();
  memory = new RecordingMemoryFake();
});
afterEach(() => origin.cleanup());

const PROMPT = '## Task\n\nFix the greeting: it must say Hello.\n';

function trajectory(steps: ReplayStep[], result = { turns: 3, costUsd: 0.12 }): SessionPayload['harness'] {
  return { type: 'replay', trajectoryRef: origin.file('trajectory.json', JSON.stringify({ version: 1, steps, result })) };
}

function session(payload: Partial<SessionPayload>, deps: Partial<RunSessionDeps> = {}) {
  const p = testPayload(origin, { promptRef: origin.file('prompt.md', PROMPT), ...payload });
  const blobs = new FileBlobReader();
  const harness = p.harness.type === 'replay' ? new ReplayHarness({ trajectoryRef: p.harness.trajectoryRef, blobs }) : deps.harness!;
  return runSession({ payload: p, workspaceDir: path.join(origin.dir('ws'), 'repo'), harness, blobs, pullRequests: prs, telemetry, memory, pushRetryDelayMs: 10, ...deps });
}

const FIX: ReplayStep[] = [
  { type: 'turn', text: 'Reading src/greet.sh' },
  { type: 'edit', path: 'src/greet.sh', find: 'Helo', replace: 'Hello' },
  { type: 'commit', message: 'Fix the greeting' },
  { type: 'write', path: 'NOTES.md', content: 'left uncommitted by the agent\n' },
];

describe('runSession', () => {
  it('runs the whole session: harness, safety net, verification, push, PR, memory, final report', async () => {
    const out = await session({ harness: trajectory(FIX), verify: { build: [], test: ['sh check.sh'], lint: ['true'], gating: 'strict' } });
    const branch = testPayload(origin).branchName;

    expect(out.report).toEqual({ outcome: 'success', error: null, turns: 3, costUsd: 0.12, commits: 2, prUrl: 'https://forge.test/octo/widgets/pull/1', prNumber: 1, buildPassed: true, lintPassed: true });
    expect(out.reportDelivered).toBe(true);
    expect(telemetry.reports).toEqual([out.report]);

    // Pushed: the agent's commit and the safety-net commit, each with the trailers once, by bgagent.
    expect(origin.show(branch, 'src/greet.sh')).toBe('echo Hello');
    expect(origin.show(branch, 'NOTES.md')).toBe('left uncommitted by the agent');
    const messages = origin.messages(branch);
    expect(messages.map((m) => m.split('\n')[0])).toEqual(['Fix the greeting', SAFETY_NET_MESSAGE]);
    for (const m of messages) {
      expect(trailerLines(m, 'Task-Id')).toEqual([`Task-Id: ${testPayload(origin).taskId}`]);
      expect(trailerLines(m, 'Prompt-Version')).toEqual(['Prompt-Version: pv0123456789']);
    }
    expect(git(origin.bare, 'log', '-1', '--format=%an <%ae>', branch)).toBe('bgagent <bgagent@users.noreply.abca.dev>');

    // The PR: look-before-create on the branch, base = default branch, and a body with the essentials.
    expect(prs.calls).toHaveLength(1);
    const request = prs.calls[0]!;
    expect(request).toMatchObject({ repo: 'octo/widgets', head: branch, base: 'main', title: 'Fix the greeting: it must say Hello.' });
    expect(request.body).toContain('> Fix the greeting: it must say Hello.');
    expect(request.body).toContain('src/greet.sh | 2 +-');
    expect(request.body).toContain('Commits (2):');
    expect(request.body).toContain('| test | `sh check.sh` | ✅ passed |');
    expect(request.body).toContain('| success | 3 | $0.12 | `pv0123456789` |');

    expect(memory.episodes).toHaveLength(1);
    expect(memory.episodes[0]).toMatchObject({ taskId: testPayload(origin).taskId, outcome: 'success', commits: 2, filesChanged: ['NOTES.md', 'src/greet.sh'], prUrl: out.report.prUrl, task: 'Fix the greeting: it must say Hello.', turns: 3, costUsd: 0.12 });

    expect(telemetry.milestones()).toEqual([
      'session_started', 'prompt_loaded', 'cloned', 'branch_ready', 'commit_hook_installed', 'harness_started',
      'harness_finished', 'work_saved', 'verified', 'pushed', 'pull_request', 'memory_written', 'final_report',
    ]);
    expect(telemetry.events).toContainEqual({ kind: 'turn', turn: 1, text: 'Reading src/greet.sh' });
    expect(telemetry.events).toContainEqual({ kind: 'tool_call', tool: 'verify:test', summary: 'sh check.sh → passed' });
    expect(telemetry.heartbeats).toBeGreaterThanOrEqual(1);
  });

  it('saves the work of a harness that failed, still verifies and ensures the PR, and reports the error', async () => {
    const out = await session({
      harness: trajectory([...FIX, { type: 'run', command: 'echo "tool crashed" >&2; exit 1' }]),
      verify: { build: [], test: ['sh check.sh'], lint: [], gating: 'strict' },
    });
    const branch = testPayload(origin).branchName;
    expect(out.report).toMatchObject({ outcome: 'error', commits: 2, prNumber: 1, buildPassed: true, lintPassed: null, turns: 1, costUsd: 0 });
    expect(out.report.error).toMatch(/step 5 of 5 \(run\) failed: .*exited with code 1.*tool crashed/s);
    expect(origin.show(branch, 'NOTES.md')).toBe('left uncommitted by the agent');
    expect(prs.calls[0]!.body).toContain('**The agent reported an error:**');
  });

  it('opens no PR and pushes nothing when the harness changed nothing', async () => {
    const out = await session({ harness: trajectory([{ type: 'turn', text: 'Nothing to do' }]), verify: { build: [], test: ['sh check.sh'], lint: [], gating: 'strict' } });
    expect(out.report).toMatchObject({ outcome: 'success', commits: 0, prUrl: null, prNumber: null, buildPassed: null, lintPassed: null });
    expect(prs.calls).toHaveLength(0);
    expect(origin.head(testPayload(origin).branchName)).toBeNull();
    expect(telemetry.milestones()).toContain('no_changes');
  });

  it('strict gating: a failing check fails the task, no PR, the branch is pushed', async () => {
    const out = await session({ harness: trajectory([{ type: 'write', path: 'README.md', content: 'docs only\n' }, { type: 'commit', message: 'Docs' }]), verify: { build: [], test: ['sh check.sh'], lint: [], gating: 'strict' } });
    expect(out.report).toMatchObject({ outcome: 'error', commits: 1, prUrl: null, buildPassed: false });
    expect(out.report.error).toContain('verification failed (strict): test `sh check.sh` exited with code 1');
    expect(out.report.error).toContain(`the work is on branch ${testPayload(origin).branchName}`);
    expect(prs.calls).toHaveLength(0);
    expect(origin.show(testPayload(origin).branchName, 'README.md')).toBe('docs only');
  });

  it('regression_only gating: a check that already failed on the base does not fail the task', async () => {
    const out = await session({ harness: trajectory([{ type: 'write', path: 'README.md', content: 'docs only\n' }, { type: 'commit', message: 'Docs' }]), verify: { build: [], test: ['sh check.sh'], lint: [], gating: 'regression_only' } });
    expect(out.report).toMatchObject({ outcome: 'success', commits: 1, prNumber: 1, buildPassed: false });
    expect(out.verification!.checks[0]).toMatchObject({ passed: false, passedOnBase: false, counted: false });
    expect(prs.calls[0]!.body).toContain('failed (not a regression)');
  });

  it('regression_only gating: breaking a passing check fails the task', async () => {
    origin.commit({ 'src/greet.sh': 'echo Hello\n' }, 'Greeting fixed upstream');
    const out = await session({ harness: trajectory([{ type: 'edit', path: 'src/greet.sh', find: 'Hello', replace: 'Bye' }, { type: 'commit', message: 'Break it' }]), verify: { build: [], test: ['sh check.sh'], lint: [], gating: 'regression_only' } });
    expect(out.report).toMatchObject({ outcome: 'error', prUrl: null });
    expect(out.report.error).toContain('test `sh check.sh` exited with code 1 (passed on the base commit)');
  });

  it('a retried session continues the branch on the remote and finds the existing PR', async () => {
    const first = await session({ harness: trajectory(FIX) });
    expect(first.report).toMatchObject({ outcome: 'success', commits: 2, prNumber: 1 });
    const second = await session({ sessionId: 'session-2', harness: trajectory([{ type: 'write', path: 'MORE.md', content: 'more\n' }, { type: 'commit', message: 'More work' }]) });
    expect(second.branch!.resumed).toBe(true);
    expect(second.report).toMatchObject({ outcome: 'success', commits: 3, prNumber: 1, prUrl: first.report.prUrl });
    expect(prs.calls).toHaveLength(2);
    expect(telemetry.events).toContainEqual({ kind: 'milestone', name: 'branch_ready', detail: `resumed ${testPayload(origin).branchName} from the remote` });
    expect(telemetry.events).toContainEqual({ kind: 'milestone', name: 'pull_request', detail: `found #1 ${first.report.prUrl}` });
    const branch = testPayload(origin).branchName;
    expect(origin.messages(branch).map((m) => m.split('\n')[0])).toEqual(['Fix the greeting', SAFETY_NET_MESSAGE, 'More work']);
  });

  it('reports an error (and still writes memory and reports) when the prompt cannot be loaded', async () => {
    const out = await session({ promptRef: 's3://bucket/prompts/x.md', harness: trajectory(FIX) });
    expect(out.report).toMatchObject({ outcome: 'error', commits: 0, turns: 0, prUrl: null });
    expect(out.report.error).toMatch(/cannot read s3:\/\/bucket\/prompts\/x\.md/);
    expect(out.branch).toBeNull();
    expect(memory.episodes).toHaveLength(1);
    expect(telemetry.reports).toHaveLength(1);
  });

  it('cancel: stops the harness, saves and pushes the work, opens no PR, and says it was stopped', async () => {
    const controller = new AbortController();
    // The cancel must land while the long step runs: after the agent's own commit (so the safety
    // net adds exactly one commit for NOTES.md). A fixed pause after harness_started was not enough
    // under load (the cancel arrived before the agent's commit: 1 commit instead of 2), so the step
    // says when it runs and the test waits for that.
    const running = path.join(origin.dir('markers'), 'long-step-running');
    const run = session(
      { harness: trajectory([...FIX, { type: 'run', command: `touch '${running}'; sleep 30` }, { type: 'write', path: 'never.txt', content: 'x' }]), verify: { build: [], test: ['sh check.sh'], lint: [], gating: 'strict' } },
      { signal: controller.signal },
    );
    while (!existsSync(running)) await new Promise((r) => setTimeout(r, 20)); // jest's timeout is the guard
    controller.abort('SIGTERM');
    const out = await run;
    // The long step was stopped, not waited out.
    expect(telemetry.events).toContainEqual({ kind: 'tool_call', tool: 'run', summary: `touch '${running}'; sleep 30 → aborted` });
    expect(out.cancelled).toBe(true);
    expect(out.report).toMatchObject({ outcome: 'error', commits: 2, prUrl: null, buildPassed: null });
    expect(out.report.error).toBe(`the session was stopped (SIGTERM) before it finished; the work so far is on branch ${testPayload(origin).branchName}`);
    expect(origin.show(testPayload(origin).branchName, 'NOTES.md')).toBe('left uncommitted by the agent');
    expect(prs.calls).toHaveLength(0);
    expect(telemetry.reports).toHaveLength(1);
  });

  it('stops the harness at the deadline, saves the work and reports it', async () => {
    // The deadline must fall while the long step runs. A deadline 3 s away raced the session's setup
    // under load (it could fall before the agent's commit), so the deadline is an hour away and the
    // test makes it fall once the long step is running: it takes the session's deadline timer (the
    // one timer of that length) and fires it itself.
    const running = path.join(origin.dir('markers'), 'long-step-running');
    const realSetTimeout = global.setTimeout;
    let fireDeadline: (() => void) | undefined;
    let deadlineDelay = 0;
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((callback: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      if (ms !== undefined && ms > 3_000_000 && ms <= 3_540_000) {
        fireDeadline = () => callback();
        deadlineDelay = ms;
        return realSetTimeout(() => undefined, 2 ** 31 - 1); // cleared by the session; never fires
      }
      return realSetTimeout(callback, ms, ...args);
    }) as typeof setTimeout);
    let out: Awaited<ReturnType<typeof session>>;
    try {
      const run = session(
        { harness: trajectory([...FIX, { type: 'run', command: `touch '${running}'; sleep 30` }]), deadlineAt: new Date(Date.now() + 3_600_000).toISOString() },
        { deadlineMarginMs: 60_000 },
      );
      while (!existsSync(running)) await new Promise((r) => realSetTimeout(r, 20)); // jest's timeout is the guard
      expect(fireDeadline).toBeDefined();
      expect(deadlineDelay).toBeGreaterThan(3_540_000 - 30_000); // deadlineAt − margin − now
      fireDeadline!();
      out = await run;
    } finally {
      spy.mockRestore();
    }
    expect(out.report.outcome).toBe('error');
    expect(out.report.error).toMatch(/aborted during step 5 of 5/);
    expect(out.report.error).toMatch(/stopped at the session deadline/);
    expect(out.report.commits).toBe(2);
    expect(prs.calls).toHaveLength(1); // the work so far is offered as a PR
  });

  it('a PR failure is an error; the branch is pushed anyway', async () => {
    prs.failNext(new Error('HTTP 502 from the forge'));
    const out = await session({ harness: trajectory(FIX) });
    expect(out.report).toMatchObject({ outcome: 'error', commits: 2, prUrl: null });
    expect(out.report.error).toBe(`the pull request could not be opened (the work is on branch ${testPayload(origin).branchName}): HTTP 502 from the forge`);
    expect(origin.head(testPayload(origin).branchName)).not.toBeNull();
  });

  it('a harness that throws is a crash: the work is saved and pushed, not verified, no PR', async () => {
    const out = await session(
      { harness: { type: 'command', command: ['x'], promptVia: 'stdin' } },
      {
        harness: {
          type: 'command',
          run: async (context) => {
            require('node:fs').writeFileSync(path.join(context.workspace, 'partial.txt'), 'partial\n');
            throw new Error('boom');
          },
        },
      },
    );
    expect(out.report).toMatchObject({ outcome: 'error', commits: 1, prUrl: null, prNumber: null, buildPassed: null });
    expect(out.report.error).toBe(`the agent crashed: the command harness failed: boom; its partial work is on branch ${testPayload(origin).branchName} (not verified, no pull request)`);
    expect(origin.show(testPayload(origin).branchName, 'partial.txt')).toBe('partial');
    expect(prs.calls).toEqual([]);
  });

  it('hands the nudges to the harness between turns and announces each delivery as milestone nudge_delivered', async () => {
    const waiting = ['use pnpm', `please ${'x'.repeat(300)}`];
    const seen: string[][] = [];
    const out = await session(
      { harness: { type: 'command', command: ['x'], promptVia: 'stdin' } },
      {
        nudges: () => waiting.splice(0), // draining, as NudgeInbox.drain
        harness: {
          type: 'command',
          run: async (context) => {
            seen.push([...context.nudges()]);
            waiting.push('one more');
            seen.push([...context.nudges()], [...context.nudges()]);
            return { outcome: 'success', error: null, turns: 2, costUsd: 0 };
          },
        },
      },
    );
    expect(out.report.outcome).toBe('success');
    expect(seen).toEqual([['use pnpm', `please ${'x'.repeat(300)}`], ['one more'], []]);
    const delivered = telemetry.events.filter((e) => e.kind === 'milestone' && e.name === 'nudge_delivered');
    expect(delivered).toEqual([
      { kind: 'milestone', name: 'nudge_delivered', detail: 'use pnpm' },
      { kind: 'milestone', name: 'nudge_delivered', detail: `please ${'x'.repeat(192)}…` }, // 200 characters shown
      { kind: 'milestone', name: 'nudge_delivered', detail: 'one more' },
    ]);
  });

  it('a nudge source that fails gives the harness no nudges, not a crash', async () => {
    const out = await session(
      { harness: { type: 'command', command: ['x'], promptVia: 'stdin' } },
      {
        nudges: () => {
          throw new Error('inbox gone');
        },
        harness: { type: 'command', run: async (context) => ({ outcome: context.nudges().length === 0 ? 'success' : 'error', error: null, turns: 1, costUsd: 0 }) },
      },
    );
    expect(out.report.outcome).toBe('success');
    expect(telemetry.milestones()).not.toContain('nudge_delivered');
  });

  it('says when the final report could not be delivered; memory failures do not fail the session', async () => {
    telemetry.finalReportError = new Error('stream unavailable');
    memory.failure = new Error('memory down');
    const out = await session({ harness: trajectory(FIX) });
    expect(out.report.outcome).toBe('success');
    expect(out.reportDelivered).toBe(false);
    expect(telemetry.events).toContainEqual({ kind: 'error', message: 'memory write failed: memory down' });
  });
});
