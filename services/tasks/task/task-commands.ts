/**
 * Commands of the Task aggregate, and who sends them. Every command is safe to repeat: one that was
 * already applied (or arrives after the task ended) yields no event.
 */
import type { RepoConfig } from '../../../schemas/generated/common/RepoConfig';
import type { ContextHydrated } from '../../../schemas/generated/events/ContextHydrated.v1';
import type { HydrationFailed } from '../../../schemas/generated/events/HydrationFailed.v1';
import type { SessionEnded } from '../../../schemas/generated/events/SessionEnded.v1';
import type { SessionStarted } from '../../../schemas/generated/events/SessionStarted.v1';
import type { TaskFailed } from '../../../schemas/generated/events/TaskFailed.v1';
import type { TaskSubmitted } from '../../../schemas/generated/events/TaskSubmitted.v1';

/** task-api, webhooks, schedules. `repoConfig` is the repo's config now (null: not onboarded). */
export interface SubmitTask {
  readonly type: 'SubmitTask';
  readonly taskId: string;
  readonly userId: string;
  readonly repo: string;
  readonly taskDescription: string | null;
  readonly issueNumber: number | null;
  /** Defaults to repoConfig.maxTurns. */
  readonly maxTurns?: number;
  /** Defaults to repoConfig.maxBudgetUsd (null: no budget limit). */
  readonly maxBudgetUsd?: number | null;
  /** Defaults to repoConfig.modelId. */
  readonly modelId?: string;
  readonly channelSource: TaskSubmitted['channelSource'];
  readonly idempotencyKey: string | null;
  readonly repoConfig: RepoConfig | null;
  /** ISO-8601: the command's clock. */
  readonly now: string;
}

/** admission: the user is at their cap; the task waits at `position` (1-based) in their queue. */
export interface QueueTask {
  readonly type: 'QueueTask';
  readonly position: number;
}

/** admission: the task holds a slot (straight away, or when it reached the head of the queue). */
export interface AdmitTask {
  readonly type: 'AdmitTask';
  readonly fromQueue: boolean;
}

/** hydration: the prompt is assembled and stored. */
export interface RecordHydration extends ContextHydrated {
  readonly type: 'RecordHydration';
}

/** hydration: the context could not be assembled; the task fails (HYDRATION_FAILED). */
export interface FailHydration extends HydrationFailed {
  readonly type: 'FailHydration';
}

/** session: compute accepted the session (`sessionId` is chosen before the start, so retries match). */
export interface StartSession extends SessionStarted {
  readonly type: 'StartSession';
}

/** session-monitor: the agent's final report (outcome `no_report` when the session ended without one). */
export interface EndSession extends SessionEnded {
  readonly type: 'EndSession';
}

/**
 * finalizer, after asking the git provider about the task's branch. `prUrl` / `prNumber`: the pull
 * request the provider found (null: none; left out: not looked up, the agent's report is used).
 */
export interface FinalizeTask {
  readonly type: 'FinalizeTask';
  readonly prUrl?: string | null;
  readonly prNumber?: number | null;
  readonly commitsOnBranch: number;
}

/** task-api (DELETE /v1/tasks/{id}), CLI. `requestedBy`: `user:<id>` or `service:<name>`. */
export interface RequestCancellation {
  readonly type: 'RequestCancellation';
  readonly requestedBy: string;
  readonly reason: string | null;
}

/** cancellation service, after it stopped the running session. */
export interface ConfirmCancellation {
  readonly type: 'ConfirmCancellation';
}

/** watchdog, when the session deadline passes. */
export interface TimeOut {
  readonly type: 'TimeOut';
  readonly deadlineAt: string;
}

/** watchdog (stranded task, lost heartbeat, queue maximum age), session (start failed), internal errors. */
export interface FailTask {
  readonly type: 'FailTask';
  readonly code: TaskFailed['code'];
  readonly reason: string;
}

/**
 * task-api (POST /v1/tasks/{id}/nudge), CLI: a message for the task's agent, delivered between its
 * turns. `nudgeId` is chosen by the client (a retry with the same id records nothing new);
 * `nudgedBy`: `user:<id>` or `service:<name>`.
 */
export interface Nudge {
  readonly type: 'Nudge';
  readonly nudgeId: string;
  readonly message: string;
  readonly nudgedBy: string;
}

export type TaskCommand =
  | SubmitTask
  | QueueTask
  | AdmitTask
  | RecordHydration
  | FailHydration
  | StartSession
  | EndSession
  | FinalizeTask
  | RequestCancellation
  | ConfirmCancellation
  | TimeOut
  | FailTask
  | Nudge;

