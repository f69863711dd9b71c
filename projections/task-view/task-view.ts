/**
 * The task view: one item per task, every field of the API's TaskDetail (snake_case there,
 * camelCase here) plus what the watchdog needs. Built from the Task stream by the task-view
 * projection; `lastSequence` is the position in the task's stream it reflects.
 */
import type { TaskStatus } from '../../services/tasks/task/task-state';

export interface TaskView {
  readonly taskId: string;
  readonly userId: string;
  readonly status: TaskStatus;
  readonly repo: string;
  readonly issueNumber: number | null;
  readonly taskDescription: string | null;
  readonly branchName: string;
  readonly sessionId: string | null;
  readonly computeType: string;
  readonly modelId: string;
  readonly prUrl: string | null;
  readonly prNumber: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly warning: string | null;
  readonly promptVersion: string | null;
  readonly channelSource: 'api' | 'webhook' | 'schedule' | 'slack';
  readonly idempotencyKey: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly durationS: number | null;
  readonly costUsd: number | null;
  readonly buildPassed: boolean | null;
  readonly lintPassed: boolean | null;
  readonly maxTurns: number;
  readonly maxBudgetUsd: number | null;
  readonly turnsCompleted: number | null;
  readonly queuedAt: string | null;
  readonly queuePosition: number | null;
  readonly deadlineAt: string | null;
  readonly cancelRequested: boolean;
  readonly lastSequence: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque to callers; absent on the last page. */
  readonly nextCursor?: string;
}

export interface TaskViewStore {
  get(taskId: string): Promise<TaskView | undefined>;
  /** A user's tasks, newest first, optionally only some statuses and one repo. */
  listByUser(userId: string, options: { statuses?: readonly TaskStatus[]; repo?: string; limit: number; cursor?: string }): Promise<Page<TaskView>>;
  /** Tasks in one status (every user), oldest update first: the watchdog's worklist. */
  listByStatus(status: TaskStatus, options: { limit: number; cursor?: string }): Promise<Page<TaskView>>;
}
