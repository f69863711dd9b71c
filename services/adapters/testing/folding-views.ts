/**
 * TEST DOUBLES of the task view and the concurrency view: they implement the views' store
 * interfaces by folding the event store on every call (no projection, no table). Correct and slow:
 * for tests of the services that read views (the watchdog), never for the platform.
 */
import type { ConcurrencyView, ConcurrencyViewStore } from '../../../projections/concurrency-view/concurrency-view';
import type { Page, TaskView, TaskViewStore } from '../../../projections/task-view/task-view';
import { fold } from '../../kernel/decider';
import type { EventEnvelope, FoldableEvent } from '../../kernel/envelope';
import type { EventStore } from '../../kernel/event-store';
import { taskDecider } from '../../tasks/task/task-decider';
import type { Task, TaskEventType, TaskStatus } from '../../tasks/task/task-state';
import { userDecider } from '../../users/user/user-decider';
import type { UserEventType } from '../../users/user/user-state';

function page<T>(items: readonly T[], limit: number, cursor: string | undefined): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  const slice = items.slice(start, start + limit);
  const next = start + slice.length;
  return next < items.length ? { items: slice, nextCursor: String(next) } : { items: slice };
}

export function taskViewOf(task: Task, events: readonly EventEnvelope[]): TaskView {
  const outcome = task.outcome;
  return {
    taskId: task.taskId,
    userId: task.userId,
    status: task.status,
    repo: task.repo,
    issueNumber: task.issueNumber,
    taskDescription: task.taskDescription,
    branchName: task.branchName,
    sessionId: task.session?.sessionId ?? null,
    computeType: task.computeType,
    modelId: task.modelId,
    prUrl: outcome?.status === 'COMPLETED' ? outcome.prUrl : null,
    prNumber: outcome?.status === 'COMPLETED' ? outcome.prNumber : null,
    errorCode: outcome?.status === 'FAILED' ? outcome.code : null,
    errorMessage: outcome?.status === 'FAILED' ? outcome.reason : null,
    warning: outcome?.status === 'COMPLETED' ? outcome.warning : null,
    promptVersion: task.hydration?.promptVersion ?? null,
    channelSource: task.channelSource,
    idempotencyKey: task.idempotencyKey,
    createdAt: task.submittedAt,
    updatedAt: task.updatedAt,
    startedAt: task.session?.startedAt ?? null,
    completedAt: task.endedAt,
    durationS: task.session && task.endedAt ? Math.round((Date.parse(task.endedAt) - Date.parse(task.session.startedAt)) / 1000) : null,
    costUsd: task.report?.costUsd ?? null,
    buildPassed: task.report?.buildPassed ?? null,
    lintPassed: task.report?.lintPassed ?? null,
    maxTurns: task.maxTurns,
    maxBudgetUsd: task.maxBudgetUsd,
    turnsCompleted: task.report?.turns ?? null,
    queuedAt: task.queuedAt,
    queuePosition: task.queuePosition,
    deadlineAt: task.session?.deadlineAt ?? null,
    cancelRequested: task.cancelRequested,
    lastSequence: events.at(-1)?.sequence ?? 0,
  };
}

/** TEST DOUBLE of TaskViewStore: folds every Task stream on each call. */
export class FoldingTaskViewStore implements TaskViewStore {
  constructor(private readonly store: EventStore) {}

  async get(taskId: string): Promise<TaskView | undefined> {
    const events = await this.store.readStream({ type: 'Task', id: taskId });
    const task = fold(taskDecider, events as unknown as FoldableEvent<TaskEventType>[]);
    return task.status === null ? undefined : taskViewOf(task, events);
  }

  async listByUser(userId: string, options: { statuses?: readonly TaskStatus[]; repo?: string; limit: number; cursor?: string }): Promise<Page<TaskView>> {
    const all = (await this.all())
      .filter((v) => v.userId === userId && (!options.statuses || options.statuses.includes(v.status)) && (!options.repo || v.repo === options.repo))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    return page(all, options.limit, options.cursor);
  }

  async listByStatus(status: TaskStatus, options: { limit: number; cursor?: string }): Promise<Page<TaskView>> {
    const all = (await this.all()).filter((v) => v.status === status).sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0));
    return page(all, options.limit, options.cursor);
  }

  private async all(): Promise<TaskView[]> {
    const views: TaskView[] = [];
    for await (const stream of this.store.listStreams('Task')) {
      const view = await this.get(stream.id);
      if (view) views.push(view);
    }
    return views;
  }
}

/** TEST DOUBLE of ConcurrencyViewStore: folds every User stream on each call. */
export class FoldingConcurrencyViewStore implements ConcurrencyViewStore {
  constructor(private readonly store: EventStore) {}

  async get(userId: string): Promise<ConcurrencyView | undefined> {
    const events = await this.store.readStream({ type: 'User', id: userId });
    if (events.length === 0) return undefined;
    const user = fold(userDecider, events as unknown as FoldableEvent<UserEventType>[]);
    return { userId, active: user.active, queued: user.queue, lastSequence: events.at(-1)!.sequence };
  }

  async listWithQueue(options: { limit: number; cursor?: string }): Promise<{ items: readonly ConcurrencyView[]; nextCursor?: string }> {
    const views: ConcurrencyView[] = [];
    for await (const stream of this.store.listStreams('User')) {
      const view = await this.get(stream.id);
      if (view && view.queued.length > 0) views.push(view);
    }
    return page(views.sort((a, b) => (a.userId < b.userId ? -1 : 1)), options.limit, options.cursor);
  }
}
