/**
 * The watchdog's per-state policies. Each looks at a task's state, folded from its stream (the views
 * only say where to look), and either does nothing, re-drives the step that should have happened
 * (by running that service's logic directly: every step is idempotent), or ends the task with a
 * reason the user can act on. Thresholds: config.ts.
 *
 *   SUBMITTED   not admitted after submittedRedriveAfterSec → requestAdmission
 *   HYDRATING   no progress for hydratingRedriveAfterSec → hydration (or, once hydrated, the session
 *               start); a re-drive that fails after hydratingFailAfterSec → FAILED STRANDED
 *   RUNNING     past deadlineAt + grace → TIMED_OUT (+ stop); a cancellation not completed after
 *               cancellationRedriveAfterSec → re-driven; compute runs the session but its agent has
 *               been silent (no heartbeat or progress) for the heartbeat limit → FAILED HEARTBEAT_LOST
 *               (+ stop: the agent is hung); compute says the session is ended/unknown,
 *               has said so for the whole limit, and nothing was heard from it for as long →
 *               FAILED HEARTBEAT_LOST (+ stop, deadline unscheduled)
 *   FINALIZING  not finalized after finalizingRedriveAfterSec → finalizer; a re-drive that fails after
 *               finalizingFailAfterSec → FAILED STRANDED
 *   QUEUED      per user: slots still held by ended tasks are released (admitting from the queue);
 *               queued tasks past the queue's maximum age → FAILED QUEUE_TIMEOUT (expireQueue)
 */
import { expireQueue, releaseSlot, requestAdmission } from '../../users/admission/admission';
import { completeCancellation } from '../cancellation/cancel';
import { finalizeTask } from '../finalizer/finalize';
import { handleCommand } from '../../kernel/command-handler';
import { contextSourceOf, hydrateTask } from '../hydration/hydrate-task';
import { cancelDeadline } from '../session/deadline';
import { sessionIdFor, startTaskSession } from '../session/start-session';
import { loadAggregate } from '../../kernel/load-aggregate';
import { loadRepoConfig } from '../../repos/repo/load-repo-config';
import { taskStream, userStream } from '../../streams';
import type { TaskFailed } from '../../../schemas/generated/events/TaskFailed.v1';
import { taskDecider } from '../task/task-decider';
import { isTerminal, type Task, type TerminalStatus } from '../task/task-state';
import { userDecider } from '../../users/user/user-decider';
import { ageMs, commandContext, errorMessage, formatSeconds, logAction, type WatchdogAction, type WatchdogActionKind, type WatchdogContext } from './actions';
import type { WatchdogConfig } from './config';
import { timeOutTask } from './deadline';

const SEC = 1000;

type Outcome = { readonly result: WatchdogAction['result']; readonly detail?: string };

/** Runs a re-drive and records it; a failure is returned (not thrown) so the caller can decide to fail the task. */
async function redrive(
  ctx: WatchdogContext,
  task: Task,
  action: WatchdogActionKind,
  reason: string,
  run: () => Promise<Outcome>,
): Promise<{ action: WatchdogAction; error?: unknown }> {
  try {
    const outcome = await run();
    return { action: logAction(ctx.logger, { taskId: task.taskId, userId: task.userId, status: task.status, action, reason, ...outcome }) };
  } catch (err) {
    return {
      action: logAction(ctx.logger, { taskId: task.taskId, userId: task.userId, status: task.status, action, reason, result: 'error', detail: errorMessage(err) }),
      error: err,
    };
  }
}

async function failTask(ctx: WatchdogContext, task: Task, code: TaskFailed['code'], reason: string): Promise<WatchdogAction> {
  try {
    const out = await handleCommand(ctx.deps.store, taskDecider, taskStream(task.taskId), { type: 'FailTask', code, reason }, commandContext(ctx, task.taskId));
    return logAction(ctx.logger, { taskId: task.taskId, userId: task.userId, status: task.status, action: 'fail', reason, result: out.status === 'appended' ? 'done' : 'noop', detail: code });
  } catch (err) {
    return logAction(ctx.logger, { taskId: task.taskId, userId: task.userId, status: task.status, action: 'fail', reason, result: 'error', detail: errorMessage(err) });
  }
}

async function stopQuietly(ctx: WatchdogContext, task: Task, sessionId: string): Promise<void> {
  try {
    const compute = ctx.deps.compute(task.computeType);
    await compute.stopSession({ computeType: compute.type, sessionId });
  } catch (err) {
    ctx.logger.warn('could not stop the session', { taskId: task.taskId, sessionId, error: errorMessage(err) });
  }
}

const commandOutcome = (out: { status: 'appended' | 'noop' }): Outcome => ({ result: out.status === 'appended' ? 'done' : 'noop' });

// ── SUBMITTED ───────────────────────────────────────────────────────────────────────────────────

export async function checkSubmitted(ctx: WatchdogContext, config: WatchdogConfig, task: Task): Promise<WatchdogAction[]> {
  const age = ageMs(ctx.now, task.submittedAt);
  if (age < config.submittedRedriveAfterSec * SEC) return [];
  const reason = `submitted ${formatSeconds(Math.floor(age / SEC))} ago and never admitted or queued (TaskSubmitted was not handled)`;
  const { action, error } = await redrive(ctx, task, 'redrive-admission', reason, async () =>
    commandOutcome(await requestAdmission(ctx.deps.store, ctx.deps.admission, task.taskId, commandContext(ctx, task.taskId))),
  );
  if (error === undefined || age < config.submittedFailAfterSec * SEC) return [action];
  return [
    action,
    await failTask(
      ctx,
      task,
      'STRANDED',
      `The task was submitted at ${task.submittedAt} but could not be admitted within ${formatSeconds(config.submittedFailAfterSec)} (${errorMessage(error)}). Submit it again.`,
    ),
  ];
}

// ── HYDRATING ───────────────────────────────────────────────────────────────────────────────────

export async function checkHydrating(ctx: WatchdogContext, config: WatchdogConfig, task: Task): Promise<WatchdogAction[]> {
  const idle = ageMs(ctx.now, task.updatedAt);
  if (idle < config.hydratingRedriveAfterSec * SEC) return [];
  const sinceAdmitted = ageMs(ctx.now, task.admittedAt ?? task.updatedAt);
  const deps = ctx.deps;
  const context = commandContext(ctx, task.taskId);
  const { action, error } = task.hydrated
    ? await redrive(ctx, task, 'redrive-session', `hydrated ${formatSeconds(Math.floor(idle / SEC))} ago but no session started`, async () => {
        const out = await startTaskSession(deps, task.taskId, context, ctx.logger);
        return { result: out.status === 'started' || out.status === 'failed' || out.status === 'stopped' ? 'done' : 'noop', detail: out.status };
      })
    : await redrive(ctx, task, 'redrive-hydration', `admitted ${formatSeconds(Math.floor(sinceAdmitted / SEC))} ago and the context is not hydrated`, async () => {
        const out = await hydrateTask(deps, contextSourceOf(deps), task.taskId, context, ctx.logger);
        return { result: out.status === 'skipped' ? 'noop' : 'done', detail: out.status };
      });
  if (error === undefined || sinceAdmitted < config.hydratingFailAfterSec * SEC) return [action];
  const step = task.hydrated ? 'its agent session could not be started' : 'its context could not be hydrated';
  const failed = await failTask(
    ctx,
    task,
    'STRANDED',
    `The task was admitted at ${task.admittedAt} but ${step} within ${formatSeconds(config.hydratingFailAfterSec)}, despite retries (last error: ${errorMessage(error)}). Submit it again.`,
  );
  // A session may have started without being recorded: stop its (deterministic) id.
  if (task.hydrated && failed.result === 'done') await stopQuietly(ctx, task, sessionIdFor(task.taskId));
  return [action, failed];
}

// ── RUNNING ─────────────────────────────────────────────────────────────────────────────────────

export async function checkRunning(ctx: WatchdogContext, config: WatchdogConfig, task: Task): Promise<WatchdogAction[]> {
  const session = task.session;
  if (session === null) return [];
  if (ctx.now.getTime() >= Date.parse(session.deadlineAt) + config.deadlineGraceSec * SEC) {
    return [await timeOutTask(ctx, task, `the session ${session.sessionId} is past its deadline ${session.deadlineAt} and its deadline schedule did not time it out`)];
  }
  if (task.cancelRequested && task.cancellation) {
    // The cancellation service stops the session; until it confirms, a stopped session is expected.
    if (ageMs(ctx.now, task.cancellation.requestedAt) < config.cancellationRedriveAfterSec * SEC) return [];
    const reason = `cancellation requested at ${task.cancellation.requestedAt} but the session ${session.sessionId} was not stopped`;
    const { action } = await redrive(ctx, task, 'redrive-cancellation', reason, async () => {
      const out = await completeCancellation(ctx.deps, task.taskId, commandContext(ctx, task.taskId), ctx.logger);
      return { result: out.status === 'cancelled' ? 'done' : 'noop', detail: out.status };
    });
    return [action];
  }

  const compute = ctx.deps.compute(session.computeType);
  const { heartbeats } = ctx.deps;
  const lastHeartbeat = heartbeats ? await heartbeats.lastHeartbeatAt(task.taskId) : null;
  // The agent's last sign of life: its latest heartbeat or progress, else the session start.
  const lastSignMs = Math.max(Date.parse(session.startedAt), lastHeartbeat ? Date.parse(lastHeartbeat) : 0);
  const lastSign = new Date(lastSignMs).toISOString();
  const silentMs = ctx.now.getTime() - lastSignMs;
  const limitSec = config.heartbeatTimeoutSec ?? (await loadRepoConfig(ctx.deps.store, task.repo)).session.heartbeatTimeoutSeconds;
  const limitMs = limitSec * SEC;
  const liveness = compute.describe ? await compute.describe({ computeType: compute.type, sessionId: session.sessionId }) : 'running';

  if (liveness === 'running') {
    ctx.notRunningSince?.delete(task.taskId);
    // Without a heartbeat source silence cannot be told from a quiet agent: leave it to the deadline.
    if (!heartbeats || silentMs < limitMs) return [];
    const reason =
      `The agent of session ${session.sessionId} went silent: nothing was heard from it since ${lastSign}, longer than the heartbeat limit of ${formatSeconds(limitSec)}, ` +
      `although the ${session.computeType} compute still runs it (the agent is hung). The session was stopped; work it pushed is on branch ${task.branchName}. Submit the task again.`;
    return [await failAndStop(ctx, task, session.sessionId, reason)];
  }
  // Not running at compute: its final report may still be on its way. Fail only when the session
  // was seen gone for the vanish limit AND nothing was heard from it for as long. A session the
  // compute no longer runs sends no heartbeats, so only a report in flight is waited for: the
  // heartbeat limit, capped at vanishedAfterSec (heartbeats of a quiet agent are far apart).
  const goneSec = Math.min(limitSec, config.vanishedAfterSec);
  const goneMs = goneSec * SEC;
  const firstSeen = ctx.notRunningSince?.get(task.taskId) ?? ctx.now.getTime();
  ctx.notRunningSince?.set(task.taskId, firstSeen);
  if (silentMs < goneMs || ctx.now.getTime() - firstSeen < goneMs) {
    ctx.logger.debug('session not running at compute; waiting for its report', { taskId: task.taskId, sessionId: session.sessionId, liveness, since: new Date(firstSeen).toISOString() });
    return [];
  }
  ctx.notRunningSince?.delete(task.taskId);
  const reason =
    `The agent session ${session.sessionId} vanished: the ${session.computeType} compute reports it ${liveness} (since ${new Date(firstSeen).toISOString()} at least) and no final report ` +
    `arrived within ${formatSeconds(goneSec)} of its last sign of life (${lastSign}). Work it pushed is on branch ${task.branchName}; submit the task again.`;
  return [await failAndStop(ctx, task, session.sessionId, reason)];
}

/** FAILED HEARTBEAT_LOST; then the session is stopped (its safety net pushes what it can) and the deadline dropped. */
async function failAndStop(ctx: WatchdogContext, task: Task, sessionId: string, reason: string): Promise<WatchdogAction> {
  const failed = await failTask(ctx, task, 'HEARTBEAT_LOST', reason);
  if (failed.result === 'done') {
    await stopQuietly(ctx, task, sessionId);
    await cancelDeadline(ctx.deps.scheduler, task.taskId).catch((err) => ctx.logger.warn('could not cancel the deadline', { taskId: task.taskId, error: errorMessage(err) }));
  }
  return failed;
}

// ── FINALIZING ──────────────────────────────────────────────────────────────────────────────────

export async function checkFinalizing(ctx: WatchdogContext, config: WatchdogConfig, task: Task): Promise<WatchdogAction[]> {
  const endedAt = task.report?.endedAt ?? task.updatedAt;
  const age = ageMs(ctx.now, endedAt);
  if (age < config.finalizingRedriveAfterSec * SEC) return [];
  const reason = `the session ended ${formatSeconds(Math.floor(age / SEC))} ago and the result was not recorded`;
  const { action, error } = await redrive(ctx, task, 'redrive-finalizer', reason, async () => {
    const out = await finalizeTask(ctx.deps, task.taskId, commandContext(ctx, task.taskId), ctx.logger);
    return { result: out.status === 'finalized' ? 'done' : 'noop', detail: out.status === 'finalized' ? out.result : out.status };
  });
  if (error === undefined || age < config.finalizingFailAfterSec * SEC) return [action];
  return [
    action,
    await failTask(
      ctx,
      task,
      'STRANDED',
      `The session ended at ${endedAt} but the task's result could not be determined within ${formatSeconds(config.finalizingFailAfterSec)}: the git provider kept failing (${errorMessage(error)}). The agent's work is on branch ${task.branchName}.`,
    ),
  ];
}

// ── QUEUED (per user) ───────────────────────────────────────────────────────────────────────────

export async function checkUserQueue(ctx: WatchdogContext, config: WatchdogConfig, userId: string): Promise<WatchdogAction[]> {
  const { store, admission } = ctx.deps;
  const actions: WatchdogAction[] = [];
  const user = (await loadAggregate(store, userStream(userId), userDecider));

  // Slots held by tasks that ended: their release was lost. Releasing admits from the queue.
  for (const taskId of user.active) {
    const task = await loadAggregate(store, taskStream(taskId), taskDecider);
    if (task.status === null || !isTerminal(task.status) || ageMs(ctx.now, task.endedAt) < config.staleSlotAfterSec * SEC) continue;
    const reason = `task ${taskId} ended (${task.status}) at ${task.endedAt} but still holds a slot of user ${userId}; releasing it admits the next queued task`;
    const { action } = await redrive(ctx, task, 'release-slot', reason, async () =>
      commandOutcome(await releaseSlot(store, admission, taskId, task.status as TerminalStatus, commandContext(ctx, taskId))),
    );
    actions.push(action);
  }

  // Queued past the maximum age → dequeued, and each such task fails QUEUE_TIMEOUT.
  const queue = actions.some((a) => a.result === 'done')
    ? (await loadAggregate(store, userStream(userId), userDecider)).queue
    : user.queue;
  const expired = queue.filter((q) => ageMs(ctx.now, q.enqueuedAt) > admission.queueMaxAgeMs);
  if (expired.length === 0) return actions;
  try {
    const out = await expireQueue(store, admission, userId, { ...commandContext(ctx, `user:${userId}`) });
    for (const q of expired) {
      actions.push(
        logAction(ctx.logger, {
          taskId: q.taskId,
          userId,
          status: 'QUEUED',
          action: 'expire-queue',
          reason: `queued since ${q.enqueuedAt}, longer than the queue's maximum age of ${formatSeconds(Math.round(admission.queueMaxAgeMs / SEC))}`,
          ...commandOutcome(out),
        }),
      );
    }
  } catch (err) {
    for (const q of expired) {
      actions.push(logAction(ctx.logger, { taskId: q.taskId, userId, status: 'QUEUED', action: 'expire-queue', reason: 'queued past the maximum age', result: 'error', detail: errorMessage(err) }));
    }
  }
  return actions;
}
