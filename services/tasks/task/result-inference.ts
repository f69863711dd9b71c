/**
 * Result inference (docs/ARCHITECTURE.md "Task lifecycle"): what a finished session amounts to, from the agent's report
 * and what the git provider finds on the task's branch.
 *
 * | agent     | pull request | commits | result                                   |
 * |-----------|--------------|---------|------------------------------------------|
 * | success   | yes          | any     | COMPLETED                                |
 * | success   | no           | > 0     | COMPLETED, warning: no pull request      |
 * | success   | no           | 0       | FAILED NO_CHANGES                        |
 * | error     | yes          | any     | COMPLETED, warning: the agent's error    |
 * | error     | no           | any     | FAILED AGENT_ERROR (with the agent's error) |
 * | no_report | any          | any     | FAILED NO_REPORT                         |
 */
import type { SessionEnded } from '../../../schemas/generated/events/SessionEnded.v1';
import type { TaskFailed } from '../../../schemas/generated/events/TaskFailed.v1';
import { assertNever } from '../../kernel/decider';
import { truncate } from './text';

type AgentOutcome = SessionEnded['outcome'];

export interface InferenceInput {
  readonly agentOutcome: AgentOutcome;
  readonly prUrl: string | null;
  readonly prNumber: number | null;
  /** Commits on the task's branch. */
  readonly commits: number;
  /** The agent's error message, when it reported one. */
  readonly agentError?: string | null;
  /** Named in messages when given. */
  readonly branchName?: string;
}

export type InferredResult =
  | { readonly status: 'COMPLETED'; readonly prUrl: string | null; readonly prNumber: number | null; readonly warning: string | null }
  | { readonly status: 'FAILED'; readonly code: TaskFailed['code']; readonly reason: string };

/** TaskCompleted.warning holds 2000 characters, TaskFailed.reason 4000. */
const MAX_WARNING_LENGTH = 2000;
export const MAX_REASON_LENGTH = 4000;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function inferResult(input: InferenceInput): InferredResult {
  const { agentOutcome, prUrl, prNumber, commits } = input;
  const hasPr = prUrl !== null || prNumber !== null;
  const branch = input.branchName ? `branch ${input.branchName}` : "the task's branch";
  const prName = prUrl ?? `#${prNumber}`;
  const agentError = input.agentError?.trim() ? input.agentError.trim() : 'no error message';
  switch (agentOutcome) {
    case 'success':
      if (hasPr) return { status: 'COMPLETED', prUrl, prNumber, warning: null };
      if (commits > 0) {
        return {
          status: 'COMPLETED',
          prUrl: null,
          prNumber: null,
          warning: `No pull request was opened; ${plural(commits, 'commit')} ${commits === 1 ? 'is' : 'are'} on ${branch}. Open a pull request from it to review the change.`,
        };
      }
      return {
        status: 'FAILED',
        code: 'NO_CHANGES',
        reason: `The agent finished without changing anything: there is no commit on ${branch} and no pull request. Make the task description more specific, or check that the change is not already made.`,
      };
    case 'error':
      if (hasPr) {
        return {
          status: 'COMPLETED',
          prUrl,
          prNumber,
          warning: truncate(`The agent reported an error, but pull request ${prName} exists; review it carefully. Agent error: ${agentError}`, MAX_WARNING_LENGTH),
        };
      }
      return {
        status: 'FAILED',
        code: 'AGENT_ERROR',
        reason: truncate(
          `The agent failed and opened no pull request${commits > 0 ? ` (${plural(commits, 'commit')} ${commits === 1 ? 'is' : 'are'} on ${branch})` : ''}. Agent error: ${agentError}`,
          MAX_REASON_LENGTH,
        ),
      };
    case 'no_report': {
      const found = hasPr
        ? ` Pull request ${prName} exists; review it by hand.`
        : commits > 0
          ? ` ${plural(commits, 'commit')} ${commits === 1 ? 'is' : 'are'} on ${branch}.`
          : '';
      return {
        status: 'FAILED',
        code: 'NO_REPORT',
        reason: `The agent session ended without a final report (it crashed or was stopped), so the result is unknown.${found}`,
      };
    }
    default:
      return assertNever(agentOutcome, 'agent outcome');
  }
}
