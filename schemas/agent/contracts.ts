/**
 * The published contracts between the platform and the agent runtime (agent/), which runs inside
 * the compute sandbox: the only things both sides share. The platform's folders import nothing
 * from agent/, and the agent image copies this folder (agent/image/Dockerfile); the dependency
 * rules (test/architecture) hold both.
 *
 * The compute starts the agent with a SessionPayload (JSON in the ABCA_SESSION env var, a file, or
 * AgentCore's invocation body); the agent streams TelemetryRecords to the telemetry stream
 * (Kinesis; kinesalite on one machine), partition key = task id, and never writes the event store.
 * The session monitor turns the final report into SessionEnded, heartbeats and progress into the
 * progress view. Nudges reach the agent as InboxNudge files in the task's inbox.
 */

/** What the platform asks a compute to start (services/ports/compute.ts); the payload extends it. */
export interface SessionInput {
  readonly taskId: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly repo: string;
  readonly branchName: string;
  readonly issueNumber: number | null;
  readonly promptRef: string;
  readonly promptVersion: string;
  readonly modelId: string;
  readonly maxTurns: number;
  readonly maxBudgetUsd: number | null;
  readonly deadlineAt: string;
}

/** What the agent is started with: the session, where to clone and report, how to verify. */
export interface SessionPayload extends SessionInput {
  /** Clone URL of the repository (GitHub, or the local forge), without credentials. */
  readonly cloneUrl: string;
  /** REST API base of the git provider (https://api.github.com, or the local forge's). */
  readonly gitApiUrl: string;
  /** The prompt, fetched by reference (claim check): file:// or s3:// */
  readonly promptRef: string;
  readonly harness: HarnessSpec;
  /** Verification commands and gating, from the repo's config. */
  readonly verify: { readonly build: readonly string[]; readonly test: readonly string[]; readonly lint: readonly string[]; readonly gating: 'strict' | 'regression_only' | 'informational' };
  readonly telemetry: { readonly streamName: string; readonly endpoint?: string; readonly region: string };
  readonly heartbeatSeconds: number;
  /**
   * The task's nudge inbox, a folder of InboxNudge files (file:///…/nudges/<taskId>/, or
   * s3://bucket/<prefix>nudges/<taskId>/, polled in the background). Absent in older payloads: the
   * session gets no nudges.
   */
  readonly nudgesRef?: string;
  /**
   * Where the git token is when the compute cannot put it in ABCA_GIT_TOKEN (AgentCore):
   * `secretsmanager:<secret arn>`, read by the agent's session role (agent/adapters/git-token.ts); see SECRETS_MANAGER_REF.
   */
  readonly gitTokenRef?: string;
}

/**
 * One nudge in a task's inbox: the nudge-delivery service writes each NudgeReceived as
 * `<zero-padded stream sequence>-<event id>.json`, so the file names sort in the order the nudges
 * were recorded; the agent delivers each file's message once.
 */
export interface InboxNudge {
  readonly nudgeId: string;
  readonly message: string;
  /** When the nudge was recorded (the event's occurredAt). */
  readonly at: string;
}

export type HarnessSpec =
  | { readonly type: 'claude'; readonly provider: 'anthropic' | 'bedrock' }
  | { readonly type: 'command'; readonly command: readonly string[]; readonly promptVia: 'stdin' | 'file' }
  | { readonly type: 'replay'; readonly trajectoryRef: string };

/**
 * The prefix of `SessionPayload.gitTokenRef` when the token is a Secrets Manager secret:
 * `secretsmanager:<secret arn>` (written by services/cloud/deps-from-env.ts, read by
 * agent/adapters/git-token.ts).
 */
export const SECRETS_MANAGER_REF = 'secretsmanager:';

export type ProgressEvent =
  | { readonly kind: 'turn'; readonly turn: number; readonly text?: string }
  | { readonly kind: 'tool_call'; readonly tool: string; readonly summary: string }
  | { readonly kind: 'milestone'; readonly name: string; readonly detail?: string }
  | { readonly kind: 'cost_update'; readonly costUsd: number; readonly turns: number }
  | { readonly kind: 'error'; readonly message: string };

/** One record on the telemetry stream. `seq` orders a session's records (monotonic per session). */
export type TelemetryRecord =
  | { readonly type: 'progress'; readonly taskId: string; readonly sessionId: string; readonly seq: number; readonly at: string; readonly event: ProgressEvent }
  | { readonly type: 'heartbeat'; readonly taskId: string; readonly sessionId: string; readonly seq: number; readonly at: string }
  | { readonly type: 'final_report'; readonly taskId: string; readonly sessionId: string; readonly seq: number; readonly at: string; readonly report: FinalReport };

/** The agent's final report: exactly the data of SessionEnded (schemas/events/SessionEnded.v1). */
export interface FinalReport {
  readonly outcome: 'success' | 'error';
  readonly error: string | null;
  readonly turns: number;
  readonly costUsd: number;
  readonly commits: number;
  readonly prUrl: string | null;
  readonly prNumber: number | null;
  readonly buildPassed: boolean | null;
  readonly lintPassed: boolean | null;
}
