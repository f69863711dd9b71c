/** Wire shapes of the REST API (../shared/API.md), snake_case as on the wire. */

export const TASK_STATUSES = ['SUBMITTED', 'QUEUED', 'HYDRATING', 'RUNNING', 'FINALIZING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TERMINAL_STATUSES: readonly string[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
export const isTerminal = (status: string): boolean => TERMINAL_STATUSES.includes(status);

/** `owner/name`, as the API checks it. */
export const REPO_PATTERN = /^(?!\.+\/)[a-zA-Z0-9._-]+\/(?!\.+$)[a-zA-Z0-9._-]+$/;
export const IDEMPOTENCY_KEY_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

export interface ErrorClassification {
  readonly category: string;
  readonly title: string;
  readonly description: string;
  readonly remedy: string;
  readonly retryable: boolean;
}

export interface TaskDetail {
  readonly task_id: string;
  readonly status: string;
  readonly repo: string;
  readonly issue_number?: number | null;
  readonly task_description?: string | null;
  readonly branch_name?: string | null;
  readonly session_id?: string | null;
  readonly pr_url?: string | null;
  readonly pr_number?: number | null;
  readonly error_message?: string | null;
  readonly error_classification?: ErrorClassification | null;
  readonly prompt_version?: string | null;
  readonly channel_source?: string | null;
  readonly created_at?: string | null;
  readonly updated_at?: string | null;
  readonly started_at?: string | null;
  readonly completed_at?: string | null;
  readonly duration_s?: number | null;
  readonly cost_usd?: number | null;
  readonly build_passed?: boolean | null;
  readonly lint_passed?: boolean | null;
  readonly max_turns?: number | null;
  readonly max_budget_usd?: number | null;
  readonly turns_completed?: number | null;
  readonly queued_at?: string | null;
  readonly queue_position?: number | null;
}

export interface TaskEvent {
  readonly event_id: string;
  readonly event_type: string;
  readonly timestamp: string;
  readonly metadata?: Record<string, unknown> | null;
}

export interface Pagination {
  readonly next_token: string | null;
  readonly has_more: boolean;
}

export interface Page<T> {
  readonly data: T[];
  readonly pagination: Pagination;
}

export interface CreateTaskRequest {
  readonly repo: string;
  readonly task_description?: string;
  readonly issue_number?: number;
  readonly max_turns?: number;
  readonly max_budget_usd?: number;
  readonly model_id?: string;
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
