/**
 * Contracts between the platform and the agent runtime that runs inside the compute sandbox.
 *
 * The compute starts the agent with a SessionPayload (JSON in the ABCA_SESSION env var or a file);
 * the agent streams TelemetryRecords to the telemetry stream (Kinesis; kinesalite on one machine),
 * partition key = task id, and never writes the event store. The session-monitor turns the final
 * report into SessionEnded, heartbeats and progress into the progress view.
 */
import type { SessionInput } from '../services/ports/compute';

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
   * `secretsmanager:<secret arn>`, read by the agent's session role (agent/adapters/git-token.ts).
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

/** What a harness reports when it stops. */
export interface HarnessResult {
  readonly outcome: 'success' | 'error';
  readonly error: string | null;
  readonly turns: number;
  readonly costUsd: number;
  /**
   * The agent itself died (killed by a signal, or the harness threw) rather than finishing with an
   * error. Its work is incomplete and unverified: the runtime saves and pushes it to the branch but
   * opens no pull request, so the task fails (AGENT_ERROR) instead of completing with a warning.
   */
  readonly crashed?: boolean;
}

export interface HarnessContext {
  readonly workspace: string;
  readonly prompt: string;
  readonly payload: SessionPayload;
  readonly signal: AbortSignal;
  /** Progress as it happens (turns, tool calls, milestones, cost). */
  readonly progress: (event: ProgressEvent) => void;
  /** Messages a user sent while the agent runs (nudges), delivered between turns. */
  readonly nudges: () => readonly string[];
}

export interface AgentHarness {
  readonly type: HarnessSpec['type'];
  run(context: HarnessContext): Promise<HarnessResult>;
}

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
