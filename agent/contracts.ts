/**
 * The agent's harness interfaces (what a harness is given and reports), and the contracts it shares
 * with the platform, re-exported from where they are published: schemas/agent/contracts.ts (the
 * session payload, telemetry records, inbox nudges). The platform imports those from schemas/,
 * never from agent/ (test/architecture/dependency-rules.ts).
 */
import type { HarnessSpec, ProgressEvent, SessionPayload } from '../schemas/agent/contracts';

export type {
  FinalReport,
  HarnessSpec,
  InboxNudge,
  ProgressEvent,
  SessionPayload,
  TelemetryRecord,
} from '../schemas/agent/contracts';

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
