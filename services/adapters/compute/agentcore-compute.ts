/**
 * The `agentcore` compute: each session is an Amazon Bedrock AgentCore Runtime session (one
 * microVM running the agent image, agent/image/).
 *
 *   startSession  InvokeAgentRuntime(agentRuntimeArn, qualifier, runtimeSessionId, payload = the
 *                 SessionPayload JSON). The image's server (agent/image/agentcore-server.ts) answers
 *                 at once and runs the agent in the background, reporting HealthyBusy on /ping while
 *                 it works, so AgentCore keeps the session alive (up to its 8 h maximum).
 *   stopSession   StopRuntimeSession(agentRuntimeArn, qualifier, runtimeSessionId); a session that is
 *                 already gone (ResourceNotFoundException) counts as stopped.
 *   describe      not offered: the runtime API has no call that tells whether a session still
 *                 runs. The watchdog relies on heartbeats for AgentCore sessions.
 *
 * runtimeSessionId = runtimeSessionIdFor(sessionId) (runtime-session-id.ts): AgentCore wants 33–256
 * characters, our ids are 30; the derived id is deterministic, so a retried start lands on the same
 * session (the same microVM, whose server says "already running" instead of starting a second agent)
 * and a stop needs only our session id. Caveat: once a session has ended and AgentCore reclaimed its
 * microVM (15 minutes idle), invoking the same id again would start a fresh microVM; the session
 * service only starts HYDRATING tasks, so that does not happen in practice.
 *
 * Errors become ComputeStartError (aws-errors.ts): throttling, quota, 5xx, network → retryable;
 * validation, access denied, missing runtime, RuntimeClientError (the container refused) → not.
 */
import {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  StopRuntimeSessionCommand,
  type BedrockAgentCoreClientConfig,
} from '@aws-sdk/client-bedrock-agentcore';
import type { ComputeStrategy, SessionHandle, SessionInput } from '../../ports/compute';
import { ComputeStartError } from '../../tasks/session/compute-errors';
import { computeStartErrorFrom, isNotFoundError } from './aws-errors';
import { runtimeSessionIdFor } from './runtime-session-id';
import { encodeSessionPayload, type SessionPayloadBuilder } from './session-payload';

export interface AgentCoreComputeOptions {
  /** ARN of the AgentCore Runtime that runs the agent image. */
  readonly agentRuntimeArn: string;
  /** Endpoint qualifier (e.g. `DEFAULT`, `prod`); omitted → AgentCore's DEFAULT endpoint. */
  readonly qualifier?: string;
  readonly payload: SessionPayloadBuilder;
  /** A ready client; else one is created from `clientConfig`. */
  readonly client?: BedrockAgentCoreClient;
  readonly clientConfig?: BedrockAgentCoreClientConfig;
}

/** What the image's server answers to an invocation (agent/image/agentcore-server.ts). */
interface InvocationAnswer {
  readonly status?: string;
  readonly sessionId?: string;
}

export class AgentCoreCompute implements ComputeStrategy {
  readonly type = 'agentcore' as const;
  private readonly client: BedrockAgentCoreClient;

  constructor(private readonly options: AgentCoreComputeOptions) {
    this.client = options.client ?? new BedrockAgentCoreClient(options.clientConfig ?? {});
  }

  async startSession(input: SessionInput): Promise<SessionHandle> {
    const runtimeSessionId = runtimeSessionIdFor(input.sessionId);
    const payload = await encodeSessionPayload(this.options.payload, input);
    let answer: InvocationAnswer | undefined;
    try {
      const out = await this.client.send(
        new InvokeAgentRuntimeCommand({
          agentRuntimeArn: this.options.agentRuntimeArn,
          ...(this.options.qualifier ? { qualifier: this.options.qualifier } : {}),
          runtimeSessionId,
          contentType: 'application/json',
          accept: 'application/json',
          payload: Buffer.from(payload, 'utf8'),
        }),
      );
      // Read the (short) answer: it frees the connection and tells what the container did.
      const text = out.response ? await out.response.transformToString() : '';
      answer = parseAnswer(text);
      if (out.statusCode !== undefined && out.statusCode >= 400) {
        throw new ComputeStartError(`the agent container answered ${out.statusCode}: ${text.slice(0, 500)}`, out.statusCode >= 500);
      }
    } catch (err) {
      throw computeStartErrorFrom(err, `InvokeAgentRuntime (session ${input.sessionId}, runtime session ${runtimeSessionId})`);
    }
    if (answer?.sessionId !== undefined && answer.sessionId !== input.sessionId) {
      // The microVM of this runtime session runs another session's agent: never expected.
      throw new ComputeStartError(`the AgentCore runtime session ${runtimeSessionId} runs session ${answer.sessionId}, not ${input.sessionId}`, false);
    }
    return { computeType: 'agentcore', sessionId: input.sessionId, ref: runtimeSessionId };
  }

  async stopSession(handle: SessionHandle): Promise<void> {
    let runtimeSessionId: string;
    try {
      runtimeSessionId = handle.ref ?? runtimeSessionIdFor(handle.sessionId);
    } catch {
      return; // an id no runtime session can have
    }
    try {
      await this.client.send(
        new StopRuntimeSessionCommand({
          agentRuntimeArn: this.options.agentRuntimeArn,
          ...(this.options.qualifier ? { qualifier: this.options.qualifier } : {}),
          runtimeSessionId,
        }),
      );
    } catch (err) {
      if (isNotFoundError(err)) return; // already gone
      throw err;
    }
  }
}

function parseAnswer(text: string): InvocationAnswer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as InvocationAnswer) : undefined;
  } catch {
    return undefined;
  }
}
