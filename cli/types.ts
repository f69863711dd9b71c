/** Wire shapes of the REST API (docs/API.md), snake_case as on the wire: generated types where the API publishes a schema. */
import type { TaskDetail } from '../schemas/generated/api/TaskDetail';

export type TaskStatus = TaskDetail['status'];
/** Every status, in lifecycle order (the list filter offers them); the type check keeps it complete. */
export const TASK_STATUSES = ['SUBMITTED', 'QUEUED', 'HYDRATING', 'RUNNING', 'FINALIZING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const satisfies readonly TaskStatus[];
const everyStatusListed: [Exclude<TaskStatus, (typeof TASK_STATUSES)[number]>] extends [never] ? true : false = true;
void everyStatusListed;
const TERMINAL_STATUSES: readonly string[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
export const isTerminal = (status: string): boolean => TERMINAL_STATUSES.includes(status);

/** `owner/name`, as the API checks it. */
export const REPO_PATTERN = /^(?!\.+\/)[a-zA-Z0-9._-]+\/(?!\.+$)[a-zA-Z0-9._-]+$/;
export const IDEMPOTENCY_KEY_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

/** The API's task and event shapes, generated from the JSON Schemas in schemas/api (npm run codegen). */
export type { TaskDetail } from '../schemas/generated/api/TaskDetail';
export type { TaskEvent } from '../schemas/generated/api/TaskEvent';
export type { CreateTaskRequest } from '../schemas/generated/api/CreateTaskRequest';

interface Pagination {
  readonly next_token: string | null;
  readonly has_more: boolean;
}

export interface Page<T> {
  readonly data: T[];
  readonly pagination: Pagination;
}

export interface CancelResult {
  readonly task_id: string;
  readonly status: string;
  readonly cancelled_at?: string | null;
  /** `stopping` while a running agent is being stopped, `completed` once cancelled. */
  readonly cancellation_state?: string;
}

/** Webhooks, API keys and repositories: shown field by field, whatever the server adds. */
export type Row = Record<string, unknown>;
