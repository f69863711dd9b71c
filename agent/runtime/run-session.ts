/**
 * One agent session, start to end (docs/ARCHITECTURE.md "The agent"):
 *
 *   load the prompt → clone → branch → trailers hook → harness → safety net (commit + push)
 *   → verify → push → ensure the PR → write memory → final report
 *
 * - Every step emits a `milestone` progress event. A heartbeat goes out at the start and then only
 *   when the agent has sent nothing for payload.heartbeatSeconds (any record is a sign of life:
 *   a working agent sends none, a quiet one one per interval; services/tasks/session/heartbeat.ts).
 * - Nudges (`deps.nudges`, draining): whatever the harness takes from it is announced as milestone
 *   `nudge_delivered` (with the start of the message), so users see that their message reached the
 *   agent; a failing source gives no nudges rather than failing the harness.
 * - Any exception ends the session with outcome `error` and its message — and still runs the
 *   safety net (when the clone got that far), writes memory and sends the final report.
 * - Cancel (`signal`, aborted by the SIGTERM handler in main.ts): the harness and any running
 *   verification command are stopped, the work is saved (safety net), no PR is opened, and the
 *   report says the session was stopped.
 * - Deadline: the harness is stopped `deadlineMarginMs` before payload.deadlineAt, leaving time to
 *   save, verify and report; the session then ends with an error (the work is on the branch).
 * - Gating (verify.ts): a failure the gating counts ends the session with an error and NO pull
 *   request (with one, result inference would call the task completed); the branch is pushed.
 * - A crashed agent (HarnessResult.crashed: killed by a signal, or the harness threw): its work is
 *   saved and pushed but not verified, and no pull request is opened (half-done work is not a
 *   reviewable change); the session reports the crash, so the task fails with the branch named.
 * - A pull request is ensured only when the branch has commits of its own; with none, the session
 *   reports success with 0 commits (result inference: FAILED NO_CHANGES) or the harness's error.
 * - The final report is the last thing; `reportDelivered` says whether Telemetry took it.
 */
import type { AgentHarness, FinalReport, HarnessResult, ProgressEvent, SessionPayload } from '../contracts';
import type { BlobReader, MemoryWriter, PullRequestInfo, PullRequests, TaskEpisode, Telemetry } from '../ports';
import { prepareBranch, type BranchInfo } from './branch';
import { installCommitHook } from './commit-hook';
import type { Git } from './git';
import { errorMessage, silentLog, type Log } from './log';
import { collectChanges, renderPullRequest, taskTextFromPrompt } from './pr-body';
import { SafetyNet, type SafetyNetResult } from './safety-net';
import { verify, type VerificationResult } from './verify';
import { cloneWorkspace } from './workspace';

export interface RunSessionDeps {
  readonly payload: SessionPayload;
  /** Where the working tree goes. */
  readonly workspaceDir: string;
  /** The git token (clone, fetch, push); never reaches the harness. */
  readonly gitToken?: string;
  readonly harness: AgentHarness;
  readonly blobs: BlobReader;
  readonly pullRequests: PullRequests;
  readonly telemetry: Telemetry;
  readonly memory: MemoryWriter;
  /** Aborted to cancel the session (SIGTERM). Its reason is named in the report. */
  readonly signal?: AbortSignal;
  readonly log?: Log;
  /** Draining: each call returns the nudges not handed out yet (agent/ports.ts NudgeInbox.drain). */
  readonly nudges?: () => readonly string[];
  /** Per verification command (default 15 minutes). */
  readonly checkTimeoutMs?: number;
  readonly pushAttempts?: number;
  readonly pushRetryDelayMs?: number;
  /** The harness is stopped this long before payload.deadlineAt (default 120 000 ms). */
  readonly deadlineMarginMs?: number;
  /** Called once the safety net exists (main.ts's signal handler uses it as a last resort). */
  readonly onSafetyNet?: (net: SafetyNet) => void;
  readonly now?: () => Date;
}

export interface SessionOutcome {
  readonly report: FinalReport;
  readonly reportDelivered: boolean;
  readonly branch: BranchInfo | null;
  readonly verification: VerificationResult | null;
  readonly pullRequest: PullRequestInfo | null;
  readonly lastSave: SafetyNetResult | null;
  readonly cancelled: boolean;
}

class Cancelled extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Cancelled';
  }
}

const MAX_ERROR = 4000;
/** Characters of a nudge shown in its `nudge_delivered` milestone (the harness gets all of it). */
const NUDGE_DETAIL = 200;

function reasonText(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (typeof r === 'string') return r;
  if (r instanceof Error) return r.message;
  return 'cancel requested';
}

export async function runSession(deps: RunSessionDeps): Promise<SessionOutcome> {
  const { payload, telemetry } = deps;
  const log = deps.log ?? silentLog;
  const now = deps.now ?? (() => new Date());
  const cancel = deps.signal ?? new AbortController().signal;

  // The heartbeat timer: re-armed by every record, so it fires only after heartbeatSeconds of silence.
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeats = false;
  const armHeartbeat = () => {
    if (!heartbeats) return;
    clearTimeout(heartbeatTimer);
    heartbeatTimer = setTimeout(() => beat(), payload.heartbeatSeconds * 1000);
    heartbeatTimer.unref();
  };
  const emit = (event: ProgressEvent) => {
    try {
      telemetry.progress(event);
    } catch (err) {
      log('warn', `telemetry.progress failed: ${errorMessage(err)}`);
    }
    armHeartbeat();
  };
  const milestone = (name: string, detail?: string) => {
    log('info', `milestone ${name}${detail ? `: ${detail}` : ''}`);
    emit(detail === undefined ? { kind: 'milestone', name } : { kind: 'milestone', name, detail });
  };
  const beat = () => {
    try {
      telemetry.heartbeat();
    } catch (err) {
      log('warn', `telemetry.heartbeat failed: ${errorMessage(err)}`);
    }
    armHeartbeat();
  };
  const nudges = (): readonly string[] => {
    let delivered: readonly string[];
    try {
      delivered = deps.nudges?.() ?? [];
    } catch (err) {
      log('warn', `reading the nudges failed: ${errorMessage(err)}`);
      return [];
    }
    for (const message of delivered) milestone('nudge_delivered', cutText(message, NUDGE_DETAIL));
    return delivered;
  };
  const checkCancelled = () => {
    if (cancel.aborted) throw new Cancelled(reasonText(cancel));
  };

  // The harness stops on cancel or at the deadline.
  const harnessStop = new AbortController();
  const onCancel = () => harnessStop.abort(cancel.reason);
  if (cancel.aborted) onCancel();
  else cancel.addEventListener('abort', onCancel, { once: true });
  const timers: NodeJS.Timeout[] = [];
  let deadlineHit = false;
  const deadline = Date.parse(payload.deadlineAt);
  if (Number.isFinite(deadline)) {
    const ms = Math.max(0, deadline - (deps.deadlineMarginMs ?? 120_000) - now().getTime());
    const t = setTimeout(() => {
      deadlineHit = true;
      log('warn', 'the deadline is near: stopping the harness');
      harnessStop.abort('deadline');
    }, Math.min(ms, 2 ** 31 - 1));
    t.unref();
    timers.push(t);
  }
  heartbeats = payload.heartbeatSeconds > 0;
  beat();

  const errors: string[] = [];
  let harnessResult: HarnessResult = { outcome: 'error', error: null, turns: 0, costUsd: 0 };
  let prompt = '';
  let git: Git | null = null;
  let branch: BranchInfo | null = null;
  let net: SafetyNet | null = null;
  let verification: VerificationResult | null = null;
  let pullRequest: PullRequestInfo | null = null;
  let lastSave: SafetyNetResult | null = null;
  let pushedAfterLastStep = false;
  let cancelled = false;

  milestone('session_started', `${payload.repo} ${payload.branchName} (harness ${deps.harness.type})`);
  try {
    prompt = (await deps.blobs.get(payload.promptRef)).toString('utf8');
    milestone('prompt_loaded', `${prompt.length} characters, prompt version ${payload.promptVersion}`);
    checkCancelled();

    const ws = await cloneWorkspace({ cloneUrl: payload.cloneUrl, dir: deps.workspaceDir, token: deps.gitToken });
    git = ws.git;
    milestone('cloned', ws.reused ? 'existing workspace fetched' : undefined);

    branch = await prepareBranch(git, payload.branchName);
    milestone('branch_ready', branch.resumed ? `resumed ${branch.branch} from the remote` : `created ${branch.branch} from ${branch.baseBranch}`);

    await installCommitHook(git, { taskId: payload.taskId, promptVersion: payload.promptVersion });
    milestone('commit_hook_installed');

    net = new SafetyNet({ git, branch: branch.branch, baseCommit: branch.baseCommit, pushAttempts: deps.pushAttempts, retryDelayMs: deps.pushRetryDelayMs, log });
    deps.onSafetyNet?.(net);
    checkCancelled();

    milestone('harness_started', deps.harness.type);
    try {
      harnessResult = await deps.harness.run({
        workspace: git.dir,
        prompt,
        payload,
        signal: harnessStop.signal,
        progress: emit,
        nudges,
      });
    } catch (err) {
      harnessResult = { outcome: 'error', error: `the ${deps.harness.type} harness failed: ${errorMessage(err)}`, turns: 0, costUsd: 0, crashed: true };
    }
    milestone('harness_finished', `${harnessResult.outcome}, ${harnessResult.turns} turns, $${harnessResult.costUsd.toFixed(2)}`);
    if (harnessResult.outcome === 'error' && !cancel.aborted) {
      const error = harnessResult.error ?? `the ${deps.harness.type} harness reported an error`;
      errors.push(harnessResult.crashed ? `the agent crashed: ${error}` : error);
    }
    if (deadlineHit && !cancel.aborted) errors.push(`the harness was stopped at the session deadline (${payload.deadlineAt})`);

    lastSave = await net.run('harness finished');
    net.stopCommitting();
    if (lastSave.error) throw new Error(`the work could not be saved: ${lastSave.error}`);
    pushedAfterLastStep = true;
    milestone('work_saved', `${lastSave.committed ? 'safety-net commit, ' : ''}${lastSave.commitsAhead} commits${lastSave.pushed ? ', pushed' : ''}`);
    checkCancelled();

    if (lastSave.commitsAhead === 0) {
      milestone('no_changes', 'the branch has no commits: nothing to verify, no pull request');
    } else if (harnessResult.crashed && !cancel.aborted) {
      milestone('no_pull_request', `the agent crashed: its partial work (${lastSave.commitsAhead} commits) is on ${branch.branch}, unverified; no pull request`);
      errors.push(`its partial work is on branch ${branch.branch} (not verified, no pull request)`);
    } else {
      verification = await verify({
        git,
        commands: payload.verify,
        gating: payload.verify.gating,
        baseCommit: branch.baseCommit,
        timeoutMs: deps.checkTimeoutMs,
        signal: cancel,
        onCheck: (c) => emit({ kind: 'tool_call', tool: `verify:${c.kind}`, summary: `${c.command} → ${c.status}` }),
      });
      checkCancelled();
      milestone('verified', `${verification.gating}: ${verification.failed ? verification.failures.join('; ') : 'passed'} (${verification.checks.length} checks)`);
      if (verification.failed) {
        errors.push(`verification failed (${verification.gating}): ${verification.failures.join('; ')}. No pull request was opened; the work is on branch ${branch.branch}.`);
      }

      // Verification leaves the tree as it was committed; this push is a no-op unless the branch moved.
      pushedAfterLastStep = false;
      lastSave = await net.run('verified');
      if (lastSave.error) throw new Error(`the branch could not be pushed: ${lastSave.error}`);
      pushedAfterLastStep = true;
      milestone('pushed', `${lastSave.commitsAhead} commits on ${branch.branch}`);
      checkCancelled();

      if (!verification.failed) {
        const changes = await collectChanges(git, branch.baseCommit);
        const content = renderPullRequest({
          taskId: payload.taskId,
          sessionId: payload.sessionId,
          issueNumber: payload.issueNumber,
          promptVersion: payload.promptVersion,
          task: taskTextFromPrompt(prompt),
          changes,
          verification,
          turns: harnessResult.turns,
          costUsd: harnessResult.costUsd,
          outcome: errors.length === 0 ? 'success' : 'error',
          error: errors.length === 0 ? null : errors.join('; '),
        });
        try {
          pullRequest = await deps.pullRequests.ensure({ repo: payload.repo, head: branch.branch, base: branch.baseBranch, title: content.title, body: content.body });
        } catch (err) {
          throw new Error(`the pull request could not be opened (the work is on branch ${branch.branch}): ${errorMessage(err)}`);
        }
        milestone('pull_request', `${pullRequest.created === false ? 'found' : 'opened'} #${pullRequest.number} ${pullRequest.url}`);
      }
    }
  } catch (err) {
    if (err instanceof Cancelled || cancel.aborted) {
      cancelled = true;
      errors.push(`the session was stopped (${err instanceof Cancelled ? err.message : reasonText(cancel)}) before it finished${branch ? `; the work so far is on branch ${branch.branch}` : ''}`);
    } else {
      const message = git ? git.redact(errorMessage(err)) : errorMessage(err);
      errors.push(message);
      emit({ kind: 'error', message });
    }
    log('error', `session error: ${errors[errors.length - 1]}`);
  }

  // Every exit path: the work is saved.
  if (net && !pushedAfterLastStep) {
    lastSave = await net.run(cancelled ? 'cancelled' : 'error');
    net.stopCommitting();
    milestone('work_saved', lastSave.error ? `failed: ${lastSave.error}` : `${lastSave.commitsAhead} commits${lastSave.pushed ? ', pushed' : ''}`);
    if (lastSave.error) errors.push(`the safety net could not save the work: ${lastSave.error}`);
  }

  let commits = lastSave?.commitsAhead ?? 0;
  let filesChanged: readonly string[] = [];
  if (git && branch) {
    try {
      commits = await git.commitsSince(branch.baseCommit);
      if (commits > 0) filesChanged = (await collectChanges(git, branch.baseCommit)).files;
    } catch (err) {
      log('warn', `cannot count the branch's commits: ${errorMessage(err)}`);
    }
  }

  const error = errors.length === 0 ? null : cutText(errors.join('; '), MAX_ERROR);
  const report: FinalReport = {
    outcome: error === null ? 'success' : 'error',
    error,
    turns: harnessResult.turns,
    costUsd: harnessResult.costUsd,
    commits,
    prUrl: pullRequest?.url ?? null,
    prNumber: pullRequest?.number ?? null,
    buildPassed: verification?.buildPassed ?? null,
    lintPassed: verification?.lintPassed ?? null,
  };

  const episode: TaskEpisode = {
    taskId: payload.taskId,
    sessionId: payload.sessionId,
    userId: payload.userId,
    repo: payload.repo,
    branchName: payload.branchName,
    promptVersion: payload.promptVersion,
    task: cutText(prompt === '' ? '' : taskTextFromPrompt(prompt), 2000),
    outcome: report.outcome,
    error: report.error,
    commits,
    filesChanged: filesChanged.slice(0, 200),
    prUrl: report.prUrl,
    verification: verification ? { gating: verification.gating, failed: verification.failed, failures: verification.failures } : null,
    turns: report.turns,
    costUsd: report.costUsd,
    endedAt: now().toISOString(),
  };
  try {
    await deps.memory.write(episode);
    milestone('memory_written');
  } catch (err) {
    log('warn', `memory write failed: ${errorMessage(err)}`);
    emit({ kind: 'error', message: `memory write failed: ${errorMessage(err)}` });
  }

  for (const t of timers) clearTimeout(t);
  heartbeats = false;
  clearTimeout(heartbeatTimer);
  cancel.removeEventListener('abort', onCancel);

  milestone('final_report', `${report.outcome}${report.prUrl ? ` ${report.prUrl}` : ''}`);
  let reportDelivered = true;
  try {
    await telemetry.finalReport(report);
  } catch (err) {
    reportDelivered = false;
    log('error', `the final report could not be delivered: ${errorMessage(err)}`, { report });
  }
  return { report, reportDelivered, branch, verification, pullRequest, lastSave, cancelled };
}

function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
