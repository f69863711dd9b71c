/**
 * ContextSource: the port hydration assembles a task's prompt through. The basic implementation
 * (basic-context-source.ts) uses the task text, the issue (sanitised and screened for prompt
 * injection, the `screening` port) and the repository's memory (the `memory` port, optional);
 * another implementation can be given to the service as the `contextSource` port.
 */
import type { RepoConfig } from '../../../schemas/generated/common/RepoConfig';
import type { ContextHydrated } from '../../../schemas/generated/events/ContextHydrated.v1';
import type { HydrationFailed } from '../../../schemas/generated/events/HydrationFailed.v1';

/** What a context source knows about the task (from its stream and its repository's config). */
export interface HydrationInput {
  readonly taskId: string;
  readonly userId: string;
  /** owner/name */
  readonly repo: string;
  readonly branchName: string;
  readonly taskDescription: string | null;
  readonly issueNumber: number | null;
  readonly modelId: string;
  readonly maxTurns: number;
  /** The repository's config (defaults when it cannot be read). */
  readonly repoConfig: RepoConfig;
}

/** The assembled context: exactly the data of ContextHydrated (the prompt itself is in the blob store). */
export type Hydrated = ContextHydrated;

export type HydrationCategory = HydrationFailed['category'];

/**
 * A hydration that did not work. `retryable`: a later attempt may succeed (GitHub unavailable,
 * rate limited) and the message is retried; otherwise the task fails (HYDRATION_FAILED) with
 * `message` as the reason the user sees, so say what to do.
 */
export class HydrationError extends Error {
  constructor(
    readonly category: HydrationCategory,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HydrationError';
  }
}

export interface ContextSource {
  /** Assembles and stores the prompt; throws HydrationError when it cannot. */
  hydrate(task: HydrationInput): Promise<Hydrated>;
}
