/**
 * The test compute: a ComputeStrategy of type `test` that "runs" an agent session without any
 * agent. Used by the reliability tests and the pipeline bench (and by the services' integration
 * tests), always together with TestGitProvider, which answers from what this compute recorded.
 *
 * A started session waits `delayMs`, then "pushes" its work (commits on the task's branch, and a
 * pull request) into the compute's record and hands a final report (SessionEnded data + taskId) to
 * the report sink, e.g. `(r) => recordSessionReport(deps, r)` (retried with backoff when the sink
 * throws, as the telemetry consumer's batches are; a report may race ahead of SessionStarted). By default every session succeeds
 * with 1 commit and a pull request; a script can give any task another outcome:
 *
 *   behaviour 'report' (default)  reports after the delay
 *             'hang'              runs until stopped (deadline and cancellation tests) or
 *                                 released (release(): it reports then)
 *             'vanish'            disappears after the delay without a report: describe() says
 *                                 'unknown' (stranded-session tests)
 *   outcome, commits, openPullRequest, error, ...  the report's content
 *   startFailure                  startSession throws ComputeStartError (retryable or not), the
 *                                 first `times` times (default: always)
 *
 * Starting a session id that is already known returns the same handle and starts nothing (as a
 * real compute does for a retried start). stopSession cancels the timer (no report follows) and is
 * idempotent; describe() reports 'running', 'ended' or 'unknown'.
 */
import type { ComputeStrategy, SessionHandle, SessionInput, SessionLiveness } from '../../ports/compute';
import type { PullRequestRef } from '../../ports/git-provider';
import { ComputeStartError } from '../../tasks/session/compute-errors';
import type { SessionReport } from '../../tasks/session-monitor/session-report';

export interface TestSessionScript {
  readonly behaviour?: 'report' | 'hang' | 'vanish';
  readonly outcome?: SessionReport['outcome'];
  /** Commits pushed to the task's branch (default 1 on success, 0 otherwise). */
  readonly commits?: number;
  /** Open a pull request for the branch (default: when there are commits and the outcome is success). */
  readonly openPullRequest?: boolean;
  readonly error?: string | null;
  readonly turns?: number;
  readonly costUsd?: number;
  readonly buildPassed?: boolean | null;
  readonly lintPassed?: boolean | null;
  /** Overrides the compute's delay for this session. */
  readonly delayMs?: number;
  readonly startFailure?: { readonly message: string; readonly retryable: boolean; readonly times?: number };
}

export type TestReportSink = (report: SessionReport) => unknown;

export interface TestComputeOptions {
  /** How long a session "runs" before it reports (default 20 ms). */
  readonly delayMs?: number;
  readonly onReport?: TestReportSink;
  /** Per task id, or a function of the session input; unscripted sessions succeed. */
  readonly script?: Readonly<Record<string, TestSessionScript>> | ((input: SessionInput) => TestSessionScript | undefined);
  /** Base of the pull request URLs (default https://forge.test). */
  readonly forgeUrl?: string;
  /** Attempts to hand a report to the sink (default 6, with backoff from 20 ms), as a telemetry consumer retries. */
  readonly reportAttempts?: number;
}

/** What a session left on its branch (read by TestGitProvider). */
export interface RecordedWork {
  readonly repo: string;
  readonly branchName: string;
  readonly commits: number;
  readonly pullRequest: PullRequestRef | null;
}

type SessionState = 'running' | 'ended' | 'vanished';

interface SessionRecord {
  readonly input: SessionInput;
  readonly script: TestSessionScript;
  state: SessionState;
  stopped: boolean;
  starts: number;
  timer?: NodeJS.Timeout;
  report?: SessionReport;
}

export class TestCompute implements ComputeStrategy {
  readonly type = 'test' as const;
  /** Errors thrown by the report sink (the session's report was not recorded). */
  readonly reportErrors: Error[] = [];
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly work = new Map<string, RecordedWork>();
  private readonly startFailures = new Map<string, number>();
  private readonly deliveries = new Set<Promise<void>>();
  private sink: TestReportSink | undefined;
  private nextPr = 1;

  constructor(private readonly options: TestComputeOptions = {}) {
    this.sink = options.onReport;
  }

  /** Sets where final reports go (when the sink needs deps that include this compute). */
  setReportSink(sink: TestReportSink | undefined): void {
    this.sink = sink;
  }

  async startSession(input: SessionInput): Promise<SessionHandle> {
    const handle: SessionHandle = { computeType: 'test', sessionId: input.sessionId, ref: `test:${input.sessionId}` };
    const known = this.sessions.get(input.sessionId);
    if (known) {
      known.starts += 1;
      return handle;
    }
    const script = this.scriptFor(input);
    if (script.startFailure) {
      const failed = this.startFailures.get(input.taskId) ?? 0;
      if (failed < (script.startFailure.times ?? Infinity)) {
        this.startFailures.set(input.taskId, failed + 1);
        throw new ComputeStartError(script.startFailure.message, script.startFailure.retryable);
      }
    }
    const record: SessionRecord = { input, script, state: 'running', stopped: false, starts: 1 };
    this.sessions.set(input.sessionId, record);
    const delay = script.delayMs ?? this.options.delayMs ?? 20;
    const behaviour = script.behaviour ?? 'report';
    if (behaviour === 'report') record.timer = setTimeout(() => this.finish(record), delay);
    else if (behaviour === 'vanish') record.timer = setTimeout(() => this.vanish(record), delay);
    return handle;
  }

  async stopSession(handle: SessionHandle): Promise<void> {
    const record = this.sessions.get(handle.sessionId);
    if (!record || record.state !== 'running') return;
    if (record.timer) clearTimeout(record.timer);
    record.timer = undefined;
    record.state = 'ended';
    record.stopped = true;
  }

  async describe(handle: SessionHandle): Promise<SessionLiveness> {
    const record = this.sessions.get(handle.sessionId);
    if (!record || record.state === 'vanished') return 'unknown';
    return record.state;
  }

  /**
   * A hanging session ('hang') finishes now and reports, as if its agent had just ended (a no-op
   * for any other session): tests hold sessions in flight until a condition holds, then let them go.
   */
  release(sessionId: string): void {
    const record = this.sessions.get(sessionId);
    if (record && record.state === 'running' && record.timer === undefined) this.finish(record);
  }

  /** Simulates the compute losing a session (host gone): it stops without a report and becomes unknown. */
  forget(sessionId: string): void {
    const record = this.sessions.get(sessionId);
    if (!record) return;
    if (record.timer) clearTimeout(record.timer);
    this.sessions.delete(sessionId);
  }

  /** Whether stopSession stopped this session while it ran. */
  wasStopped(sessionId: string): boolean {
    return this.sessions.get(sessionId)?.stopped ?? false;
  }

  /** How many times startSession was called for this session id (0: never started). */
  startsOf(sessionId: string): number {
    return this.sessions.get(sessionId)?.starts ?? 0;
  }

  /** Ids of every session this compute started, in order. */
  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  /** The report a session produced (undefined before it ended, or when it was stopped). */
  reportOf(sessionId: string): SessionReport | undefined {
    return this.sessions.get(sessionId)?.report;
  }

  recordedWork(repo: string, branchName: string): RecordedWork | undefined {
    return this.work.get(workKey(repo, branchName));
  }

  /**
   * Resolves once no session is due to report and every report was handed to the sink (and the
   * sink's promise settled). Hanging sessions do not count. Throws after `timeoutMs` (a guard
   * against a hang: on a loaded machine many sessions' reports may take many seconds).
   */
  async settle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const waiting = [...this.sessions.values()].some((s) => s.state === 'running' && s.timer !== undefined);
      if (!waiting && this.deliveries.size === 0) return;
      if (Date.now() > deadline) throw new Error(`test compute: sessions still running after ${timeoutMs} ms`);
      if (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
      else await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Stops every timer (call in afterEach/afterAll so jest can exit). */
  dispose(): void {
    for (const s of this.sessions.values()) if (s.timer) clearTimeout(s.timer);
  }

  private scriptFor(input: SessionInput): TestSessionScript {
    const script = this.options.script;
    if (!script) return {};
    return (typeof script === 'function' ? script(input) : script[input.taskId]) ?? {};
  }

  private vanish(record: SessionRecord): void {
    record.timer = undefined;
    record.state = 'vanished';
  }

  private finish(record: SessionRecord): void {
    record.timer = undefined;
    record.state = 'ended';
    const { input, script } = record;
    const outcome = script.outcome ?? 'success';
    const commits = script.commits ?? (outcome === 'success' ? 1 : 0);
    const openPr = script.openPullRequest ?? (outcome === 'success' && commits > 0);
    const pullRequest = openPr ? this.openPullRequest(input.repo, input.branchName) : null;
    this.work.set(workKey(input.repo, input.branchName), { repo: input.repo, branchName: input.branchName, commits, pullRequest });
    const report: SessionReport = {
      taskId: input.taskId,
      sessionId: input.sessionId,
      outcome,
      error: script.error !== undefined ? script.error : outcome === 'error' ? 'the agent failed (scripted by the test compute)' : null,
      turns: script.turns ?? 3,
      costUsd: script.costUsd ?? 0.01,
      commits,
      prUrl: pullRequest?.url ?? null,
      prNumber: pullRequest?.number ?? null,
      buildPassed: script.buildPassed !== undefined ? script.buildPassed : true,
      lintPassed: script.lintPassed !== undefined ? script.lintPassed : true,
    };
    record.report = report;
    const sink = this.sink;
    if (!sink) return;
    const attempts = this.options.reportAttempts ?? 6;
    const deliver = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await sink(report);
          return;
        } catch (err) {
          // As the telemetry pipeline does: retry (e.g. the report raced ahead of SessionStarted).
          if (attempt >= attempts) throw err;
          await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
        }
      }
    };
    const delivery: Promise<void> = deliver()
      .catch((err: Error) => {
        this.reportErrors.push(err);
      })
      .finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  private openPullRequest(repo: string, branchName: string): PullRequestRef {
    const existing = this.work.get(workKey(repo, branchName))?.pullRequest;
    if (existing) return existing;
    const number = this.nextPr++;
    return { number, url: `${this.options.forgeUrl ?? 'https://forge.test'}/${repo}/pull/${number}`, state: 'open', merged: false };
  }
}

const workKey = (repo: string, branchName: string) => `${repo}#${branchName}`;
