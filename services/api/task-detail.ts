/**
 * TaskView (camelCase, the read model) → TaskDetail (snake_case, the wire contract of docs/API.md).
 * error_classification is derived here, when read, from the recorded error code and reason.
 * For read-your-writes, a task's view can also be folded straight from its stream (foldTaskView):
 * the same pure evolve the projection runs, so both give the same answer.
 */
import type { TaskDetail } from '../../schemas/generated/api/TaskDetail';
import type { EventEnvelope } from '../kernel/envelope';
import type { TaskEventType } from '../tasks/task/task-state';
import { classifyError } from '../tasks/task/error-classification';
import { evolveTaskView } from '../../projections/task-view/task-view-projection';
import type { TaskView } from '../../projections/task-view/task-view';

export function foldTaskView(events: readonly EventEnvelope[]): TaskView | null {
  let view: TaskView | null = null;
  for (const event of events) view = evolveTaskView(view, event as EventEnvelope<TaskEventType>) ?? view;
  return view;
}

export function taskDetail(v: TaskView): TaskDetail {
  return {
    task_id: v.taskId,
    status: v.status,
    repo: v.repo,
    issue_number: v.issueNumber,
    task_description: v.taskDescription,
    branch_name: v.branchName,
    session_id: v.sessionId,
    pr_url: v.prUrl,
    pr_number: v.prNumber,
    error_message: v.errorMessage,
    error_classification: classifyError(v.errorCode, v.errorMessage),
    prompt_version: v.promptVersion,
    channel_source: v.channelSource,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    started_at: v.startedAt,
    completed_at: v.completedAt,
    duration_s: v.durationS,
    cost_usd: v.costUsd,
    build_passed: v.buildPassed,
    lint_passed: v.lintPassed,
    max_turns: v.maxTurns,
    max_budget_usd: v.maxBudgetUsd,
    turns_completed: v.turnsCompleted,
    queued_at: v.queuedAt,
    queue_position: v.queuePosition,
  };
}
