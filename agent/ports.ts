/**
 * The agent runtime's own ports: what run-session needs of the outside world, kept small so the
 * runtime is tested with recording fakes (agent/testing/fakes.ts) and wired to the real adapters
 * in agent/wiring.ts:
 *
 * - PullRequests → the GitHub client over @octokit/rest (GitHub, or the local forge that speaks its API)
 * - Telemetry    → the Kinesis telemetry publisher (agent/telemetry/telemetry-publisher.ts)
 * - MemoryWriter → the memory store (a JSONL folder on one machine for now)
 * - BlobReader   → the prompt and the replay trajectory by reference (file:// or s3://)
 * - NudgeInbox   → the task's nudge inbox folder (payload.nudgesRef; file:// or s3://)
 */
import type { FinalReport, ProgressEvent } from './contracts';

export interface PullRequestRequest {
  /** owner/name */
  readonly repo: string;
  /** The task's branch. */
  readonly head: string;
  /** The default branch. */
  readonly base: string;
  readonly title: string;
  readonly body: string;
}

export interface PullRequestInfo {
  readonly number: number;
  readonly url: string;
  /** False when a pull request for the branch already existed (a retried session). */
  readonly created?: boolean;
}

export interface PullRequests {
  /** The pull request of `head`: found if there is one (look before create), else opened. Idempotent. */
  ensure(request: PullRequestRequest): Promise<PullRequestInfo>;
}

export interface Telemetry {
  /** Never throws. */
  progress(event: ProgressEvent): void;
  /** Never throws. */
  heartbeat(): void;
  /** Resolves once the report is delivered; rejects when it could not be (the agent then exits 1). */
  finalReport(report: FinalReport): Promise<void>;
  /** Flushes what is left; never throws. */
  close(): Promise<void>;
}

/** What the memory keeps of a finished session, for the hydration of later tasks on the repo. */
export interface TaskEpisode {
  readonly taskId: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly repo: string;
  readonly branchName: string;
  readonly promptVersion: string;
  /** The task as the prompt gives it (shortened). */
  readonly task: string;
  readonly outcome: FinalReport['outcome'];
  readonly error: string | null;
  readonly commits: number;
  /** Paths changed on the branch relative to the base commit. */
  readonly filesChanged: readonly string[];
  readonly prUrl: string | null;
  readonly verification: { readonly gating: string; readonly failed: boolean; readonly failures: readonly string[] } | null;
  readonly turns: number;
  readonly costUsd: number;
  readonly endedAt: string;
}

export interface MemoryWriter {
  write(episode: TaskEpisode): Promise<void>;
}

export interface BlobReader {
  get(ref: string): Promise<Buffer>;
}

/** Messages users sent to the running agent (nudges). */
export interface NudgeInbox {
  /**
   * The nudges not handed out yet, oldest first; each is handed out once. Cheap enough to call
   * between every turn, and never throws (an inbox that cannot be read gives no nudges).
   */
  drain(): readonly string[];
  /** Stops any background work (an inbox that polls); never throws. */
  close?(): void;
}
