/**
 * Error classification: what a failed task's error means to the user who submitted it — a category,
 * a title, a description, what to do about it, and whether submitting again may help.
 *
 * Derived when read (GET /v1/tasks/{id} `error_classification`), never stored: the events keep the
 * facts (TaskFailed.code and reason, TaskTimedOut, HydrationFailed), so a better classifier applies to
 * every past task at once. Pure; the task view's `errorCode` / `errorMessage` are its input.
 */
import type { TaskFailed } from '../../../schemas/generated/events/TaskFailed.v1';

type ErrorCategory =
  | 'agent_crash'
  | 'agent_error'
  | 'turn_limit'
  | 'budget_limit'
  | 'verification'
  | 'git_provider'
  | 'timeout'
  | 'agent_unresponsive'
  | 'no_changes'
  | 'hydration'
  | 'compute'
  | 'queue_timeout'
  | 'platform';

export interface ErrorClassification {
  readonly category: ErrorCategory;
  readonly title: string;
  readonly description: string;
  readonly remedy: string;
  readonly retryable: boolean;
}

/** The codes a task view can carry: TaskFailed's, plus TIMED_OUT (TaskTimedOut). */
type TaskErrorCode = TaskFailed['code'] | 'TIMED_OUT';

type Entry = Omit<ErrorClassification, 'description'>;

const ENTRIES: Readonly<Record<ErrorCategory, Entry>> = {
  agent_crash: {
    category: 'agent_crash',
    title: 'The agent crashed',
    remedy: 'Its partial work was pushed to the task branch without a pull request. Look at the branch, then submit the task again; report it if it keeps crashing.',
    retryable: true,
  },
  agent_error: {
    category: 'agent_error',
    title: 'The agent failed',
    remedy: 'Read the error, make the task description more specific if the agent misunderstood it, and submit again.',
    retryable: true,
  },
  turn_limit: {
    category: 'turn_limit',
    title: 'The agent ran out of turns',
    remedy: 'Submit again with a higher max_turns, or split the task into smaller ones.',
    retryable: true,
  },
  budget_limit: {
    category: 'budget_limit',
    title: 'The agent reached its cost budget',
    remedy: 'Submit again with a higher max_budget_usd, or narrow the task.',
    retryable: true,
  },
  verification: {
    category: 'verification',
    title: 'The change did not pass verification',
    remedy: "The repository's build, test or lint commands failed on the agent's change; the work is on the task branch. Fix it there, or submit again with more guidance.",
    retryable: true,
  },
  git_provider: {
    category: 'git_provider',
    title: 'The git provider could not be reached',
    remedy: 'The work is on the task branch if it was pushed. Check the repository access of the platform (token, permissions), then submit again.',
    retryable: true,
  },
  timeout: {
    category: 'timeout',
    title: 'The session ran past its deadline',
    remedy: "The work so far is on the task branch. Split the task, or raise the repository's session.maxDurationMinutes.",
    retryable: true,
  },
  agent_unresponsive: {
    category: 'agent_unresponsive',
    title: 'The agent stopped responding',
    remedy: 'It sent no heartbeat within the limit and was stopped; what it pushed is on the task branch. Submit the task again.',
    retryable: true,
  },
  no_changes: {
    category: 'no_changes',
    title: 'The agent made no changes',
    remedy: 'Make the task description more specific, or check that the change is not already made.',
    retryable: false,
  },
  hydration: {
    category: 'hydration',
    title: "The task's context could not be prepared",
    remedy: 'Check the issue exists and is readable, and that its text is not flagged by screening; then submit again.',
    retryable: false,
  },
  compute: {
    category: 'compute',
    title: 'The agent session could not be started',
    remedy: "Check the repository's compute configuration and capacity; submit again once it is available.",
    retryable: true,
  },
  queue_timeout: {
    category: 'queue_timeout',
    title: 'The task waited too long in the queue',
    remedy: 'Your other tasks held every slot for longer than the queue allows. Submit it again once they finish, or cancel some.',
    retryable: true,
  },
  platform: {
    category: 'platform',
    title: 'The platform could not finish the task',
    remedy: 'Submit the task again; if it happens again, give the task id to the platform team.',
    retryable: true,
  },
};

/** For AGENT_ERROR, the agent's message says which kind of failure it was. First match wins. */
const AGENT_ERROR_RULES: ReadonlyArray<readonly [RegExp, ErrorCategory]> = [
  [/the agent crashed/i, 'agent_crash'],
  [/max turns reached/i, 'turn_limit'],
  [/budget exceeded/i, 'budget_limit'],
  [/verification failed/i, 'verification'],
  [/stopped at the session deadline/i, 'timeout'],
  [/pull request could not be opened|could not be pushed|could not save the work|clone/i, 'git_provider'],
];

function categoryOf(code: TaskErrorCode, message: string): ErrorCategory {
  switch (code) {
    case 'AGENT_ERROR':
      return AGENT_ERROR_RULES.find(([pattern]) => pattern.test(message))?.[1] ?? 'agent_error';
    case 'NO_REPORT':
      return 'agent_crash';
    case 'HEARTBEAT_LOST':
      return 'agent_unresponsive';
    case 'NO_CHANGES':
      return 'no_changes';
    case 'HYDRATION_FAILED':
      return 'hydration';
    case 'SESSION_START_FAILED':
      return 'compute';
    case 'QUEUE_TIMEOUT':
      return 'queue_timeout';
    case 'TIMED_OUT':
      return 'timeout';
    case 'STRANDED':
    case 'INTERNAL':
      return 'platform';
    default: {
      const unknown: never = code;
      return unknown;
    }
  }
}

const KNOWN_CODES = new Set<string>(['HYDRATION_FAILED', 'SESSION_START_FAILED', 'AGENT_ERROR', 'NO_CHANGES', 'NO_REPORT', 'QUEUE_TIMEOUT', 'STRANDED', 'HEARTBEAT_LOST', 'INTERNAL', 'TIMED_OUT']);

/**
 * The classification of a task's error, or null when it has none. The description is the recorded
 * reason itself (it names the branch, the limit, the failing check); an unknown code is a platform error.
 */
export function classifyError(code: string | null, message: string | null): ErrorClassification | null {
  if (code === null && message === null) return null;
  const text = message ?? '';
  const category = code !== null && KNOWN_CODES.has(code) ? categoryOf(code as TaskErrorCode, text) : 'platform';
  const entry = ENTRIES[category];
  return { ...entry, description: text.trim() === '' ? entry.title : text };
}
