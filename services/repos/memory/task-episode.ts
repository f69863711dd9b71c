/**
 * The memory episode of a finished task, as the platform saw it: what was asked, how it ended (the
 * pull request, or the reason it failed), verification, turns and cost. Written for every terminal
 * task — also those whose agent crashed, timed out or never started, which could not write one
 * themselves (the original design's "fallback episode"), so later prompts of the same repository
 * can learn from every outcome. Pure: a fold of the task's stream is its only input.
 */
import type { MemoryEpisode } from '../../tasks/hydration/memory-store';
import type { Task } from '../../tasks/task/task-state';
import { assertNever } from '../../kernel/decider';
import { truncate } from '../../tasks/task/text';

/** An episode's text is kept short: memory takes at most 2,000 tokens of a prompt, shared by many episodes. */
const MAX_EPISODE_CHARS = 1_200;

/** Deterministic per task: a re-delivered terminal event writes the same item again. */
export const episodeId = (taskId: string): string => `task:${taskId}`;

export function taskEpisode(task: Task): MemoryEpisode | null {
  if (task.outcome === null || task.endedAt === null) return null;
  const asked = task.taskDescription?.trim() ? task.taskDescription.trim() : task.issueNumber !== null ? `issue #${task.issueNumber}` : '(no description)';
  const parts = [`Task: ${truncate(asked, 500)}`, `Outcome: ${outcomeText(task)}`];
  const report = task.report;
  if (report) {
    const checks = [report.buildPassed === null ? null : `build ${report.buildPassed ? 'passed' : 'failed'}`, report.lintPassed === null ? null : `lint ${report.lintPassed ? 'passed' : 'failed'}`].filter(Boolean);
    if (checks.length > 0) parts.push(`Verification: ${checks.join(', ')}.`);
    parts.push(`${report.turns} turns, ${report.commits} commits, $${report.costUsd.toFixed(2)}.`);
  }
  return { id: episodeId(task.taskId), repo: task.repo, taskId: task.taskId, createdAt: task.endedAt, text: truncate(parts.join('\n'), MAX_EPISODE_CHARS) };
}

function outcomeText(task: Task): string {
  const outcome = task.outcome!;
  switch (outcome.status) {
    case 'COMPLETED':
      return `completed${outcome.prUrl ? ` with pull request ${outcome.prUrl}` : ''}${outcome.warning ? ` (warning: ${truncate(outcome.warning, 300)})` : ''}.`;
    case 'FAILED':
      return `failed (${outcome.code}): ${truncate(outcome.reason, 500)}`;
    case 'CANCELLED':
      return `cancelled by the user${task.cancellation?.reason ? ` (${truncate(task.cancellation.reason, 200)})` : ''}.`;
    case 'TIMED_OUT':
      return `timed out at its deadline ${outcome.deadlineAt}; the work so far is on branch ${task.branchName}.`;
    default:
      return assertNever(outcome, 'task outcome');
  }
}
