/**
 * What every compute hands the agent: the SessionPayload (schemas/agent/contracts.ts) as JSON in the
 * ABCA_SESSION environment variable (local child process, ECS container override) or as the
 * invocation body (AgentCore). A compute only receives the SessionInput; the platform composes the
 * rest (clone URL, harness, verification, telemetry) through a SessionPayloadBuilder.
 */
import type { SessionPayload } from '../../../schemas/agent/contracts';
import type { SessionInput } from '../../ports/compute';
import { ComputeStartError } from '../../tasks/session/compute-errors';

/** The environment variable that carries the SessionPayload JSON to the agent. */
export const SESSION_ENV = 'ABCA_SESSION';

/** Composes the agent's payload for a session (the platform knows the repo's config, the forge, the stream). */
export type SessionPayloadBuilder = (input: SessionInput) => SessionPayload | Promise<SessionPayload>;

/**
 * Builds the payload and serialises it. A payload for another session (a builder bug) is refused
 * as a permanent start error, so the agent never runs with someone else's task.
 */
export async function encodeSessionPayload(build: SessionPayloadBuilder, input: SessionInput): Promise<string> {
  const payload = await build(input);
  if (payload.sessionId !== input.sessionId || payload.taskId !== input.taskId) {
    throw new ComputeStartError(
      `the session payload names session ${payload.sessionId} of task ${payload.taskId}, not ${input.sessionId} of task ${input.taskId}`,
      false,
    );
  }
  return JSON.stringify(payload);
}
