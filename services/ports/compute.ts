/**
 * ComputeStrategy: where an agent session runs (a local child process, AgentCore, ECS, or the
 * test compute). The session id is chosen before the start, so a retried start of the same
 * session is recognised by the compute and does not start a second agent.
 */
import type { SessionInput } from '../../schemas/agent/contracts';

export type ComputeType = 'local' | 'agentcore' | 'ecs' | 'test';

/** Published with the agent's contracts (schemas/agent/contracts.ts): the session payload extends it. */
export type { SessionInput };

export interface SessionHandle {
  readonly computeType: ComputeType;
  readonly sessionId: string;
  /** Compute-specific reference (process id, ECS task ARN, runtime session id). */
  readonly ref?: string;
}

export type SessionLiveness = 'running' | 'ended' | 'unknown';

export interface ComputeStrategy {
  readonly type: ComputeType;
  startSession(input: SessionInput): Promise<SessionHandle>;
  /** Stops the session (the agent gets a grace period for its safety-net push). Idempotent. */
  stopSession(handle: SessionHandle): Promise<void>;
  /** Whether the compute still knows the session (the watchdog uses it for stranded tasks). */
  describe?(handle: SessionHandle): Promise<SessionLiveness>;
}
