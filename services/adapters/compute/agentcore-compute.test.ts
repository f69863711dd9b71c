/**
 * The AgentCore compute against a local HTTP server that records the exact requests the real
 * @aws-sdk/client-bedrock-agentcore client sends (REST-JSON: POST /runtimes/{arn}/invocations and
 * /runtimes/{arn}/stopruntimesession, the runtime session id in the
 * X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header, the qualifier in the query) and answers
 * like the service (errors: status + x-amzn-errortype).
 */
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import type { SessionPayload } from '../../../schemas/agent/contracts';
import type { SessionInput } from '../../ports/compute';
import { ComputeStartError, isPermanentStartError } from '../../tasks/session/compute-errors';
import { AgentCoreCompute } from './agentcore-compute';
import { useRecordingClient, type RecordedAnswer, type RecordedRequest, type RecordingHandler } from '../testing/recording-server';
import { RUNTIME_SESSION_ID_MAX, RUNTIME_SESSION_ID_MIN, runtimeSessionIdFor } from './runtime-session-id';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/abca_agent-AbC123xyz';
const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

const aws = useRecordingClient((config) => new BedrockAgentCoreClient(config), { handler: () => serviceLike() });

/** Answers like AgentCore: the container's JSON for invocations, the session id header for stops. */
function serviceLike(invocationBody: object = { status: 'started' }): RecordingHandler {
  return (r: RecordedRequest): RecordedAnswer => {
    const sessionId = String(r.headers[SESSION_HEADER] ?? '');
    if (r.path.endsWith('/invocations')) {
      return { status: 200, headers: { 'content-type': 'application/json', [SESSION_HEADER]: sessionId }, body: invocationBody };
    }
    if (r.path.endsWith('/stopruntimesession')) {
      return { status: 200, headers: { 'content-type': 'application/json', [SESSION_HEADER]: sessionId }, body: {} };
    }
    return { status: 404, headers: { 'x-amzn-errortype': 'UnknownOperationException' }, body: { message: 'no route' } };
  };
}

const errorAnswer = (status: number, type: string, message = 'scripted') => () => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: { message },
});

const input: SessionInput = {
  taskId: '01J9ZQ4X8K3V6N2M5P7R9T1W3Y',
  sessionId: 's-01J9ZQ4X8K3V6N2M5P7R9T1W3Y-1',
  userId: 'u-1',
  repo: 'acme/widgets',
  branchName: 'bgagent/01J9ZQ4X8K3V6N2M5P7R9T1W3Y/fix-the-bug',
  issueNumber: 7,
  promptRef: 's3://prompts/p.md',
  promptVersion: 'v3',
  modelId: 'anthropic.claude-sonnet',
  maxTurns: 40,
  maxBudgetUsd: 5,
  deadlineAt: '2030-01-01T00:00:00.000Z',
};

const payloadOf = (i: SessionInput): SessionPayload => ({
  ...i,
  cloneUrl: 'https://github.com/acme/widgets.git',
  gitApiUrl: 'https://api.github.com',
  harness: { type: 'claude', provider: 'bedrock' },
  verify: { build: ['npm run build'], test: ['npm test'], lint: [], gating: 'regression_only' },
  telemetry: { streamName: 'abca-telemetry', region: 'us-east-1' },
  heartbeatSeconds: 30,
});

const compute = (qualifier: string | null = 'prod') => new AgentCoreCompute({ agentRuntimeArn: ARN, qualifier: qualifier ?? undefined, payload: payloadOf, client: aws.client });

describe('runtimeSessionIdFor', () => {
  test('deterministic, 33–256 characters, readable, distinct per session', () => {
    const id = runtimeSessionIdFor(input.sessionId);
    expect(id).toBe(runtimeSessionIdFor(input.sessionId));
    expect(id).toMatch(new RegExp(`^abca-${input.sessionId}-[0-9a-f]{16}$`));
    expect(id.length).toBeGreaterThanOrEqual(RUNTIME_SESSION_ID_MIN);
    expect(runtimeSessionIdFor('s-1')).toHaveLength(RUNTIME_SESSION_ID_MIN); // short ids are padded with hash digits
    expect(runtimeSessionIdFor('a'.repeat(200)).length).toBeLessThanOrEqual(RUNTIME_SESSION_ID_MAX);
    expect(runtimeSessionIdFor('s-a-1')).not.toBe(runtimeSessionIdFor('s-b-1'));
    expect(() => runtimeSessionIdFor('bad id')).toThrow(ComputeStartError);
  });
});

describe('startSession', () => {
  test('InvokeAgentRuntime: POST /runtimes/{arn}/invocations?qualifier, session id header, the payload as JSON, SigV4', async () => {
    const handle = await compute().startSession(input);
    const runtimeSessionId = runtimeSessionIdFor(input.sessionId);
    expect(handle).toEqual({ computeType: 'agentcore', sessionId: input.sessionId, ref: runtimeSessionId });

    expect(aws.server.requests).toHaveLength(1);
    const [r] = aws.server.requests;
    expect(r!.method).toBe('POST');
    expect(r!.url).toBe(`/runtimes/${encodeURIComponent(ARN)}/invocations?qualifier=prod`);
    expect(r!.headers[SESSION_HEADER]).toBe(runtimeSessionId);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers.accept).toBe('application/json');
    expect(r!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock-agentcore\/aws4_request, SignedHeaders=.*x-amzn-bedrock-agentcore-runtime-session-id/);
    expect(JSON.parse(r!.body)).toEqual(payloadOf(input));
  });

  test('no qualifier configured → none sent (AgentCore uses DEFAULT)', async () => {
    await compute(null).startSession(input);
    expect(aws.server.requests[0]!.url).toBe(`/runtimes/${encodeURIComponent(ARN)}/invocations`);
  });

  test('a retried start sends the same runtime session id (the container answers already-running)', async () => {
    aws.server.handle(serviceLike({ status: 'already-running', sessionId: input.sessionId }));
    const a = await compute().startSession(input);
    const b = await compute().startSession(input);
    expect(b).toEqual(a);
    expect(aws.server.requests.map((r) => r.headers[SESSION_HEADER])).toEqual([a.ref, a.ref]);
  });

  test('the container running another session → permanent error', async () => {
    aws.server.handle(serviceLike({ status: 'already-running', sessionId: 's-someone-else-1' }));
    const err = await compute().startSession(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(false);
  });

  test.each([
    [429, 'ThrottlingException', true],
    [500, 'InternalServerException', true],
    [503, 'ServiceUnavailable', true],
    [409, 'RetryableConflictException', true],
    [402, 'ServiceQuotaExceededException', true],
    [400, 'ValidationException', false],
    [403, 'AccessDeniedException', false],
    [404, 'ResourceNotFoundException', false],
    [424, 'RuntimeClientError', false],
  ])('HTTP %i %s → ComputeStartError retryable=%s', async (status, type, retryable) => {
    aws.server.handle(errorAnswer(status, type));
    const err = await compute().startSession(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(retryable);
    expect(isPermanentStartError(err)).toBe(!retryable);
    expect((err as Error).message).toContain(type);
  });

  test('no answer at all (connection refused) → retryable', async () => {
    const offline = new BedrockAgentCoreClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'A', secretAccessKey: 'B' }, maxAttempts: 1 });
    const err = await new AgentCoreCompute({ agentRuntimeArn: ARN, payload: payloadOf, client: offline }).startSession(input).catch((e: unknown) => e);
    offline.destroy();
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(true);
  });
});

describe('stopSession', () => {
  test('StopRuntimeSession: POST /runtimes/{arn}/stopruntimesession with the derived session id (no ref needed)', async () => {
    await compute().stopSession({ computeType: 'agentcore', sessionId: input.sessionId });
    expect(aws.server.requests).toHaveLength(1);
    const [r] = aws.server.requests;
    expect(r!.method).toBe('POST');
    expect(r!.url).toBe(`/runtimes/${encodeURIComponent(ARN)}/stopruntimesession?qualifier=prod`);
    expect(r!.headers[SESSION_HEADER]).toBe(runtimeSessionIdFor(input.sessionId));
    expect(JSON.parse(r!.body)).toEqual({ clientToken: expect.any(String) }); // the SDK's idempotency token
  });

  test('a session that is already gone counts as stopped; other errors surface', async () => {
    aws.server.handle(errorAnswer(404, 'ResourceNotFoundException'));
    await expect(compute().stopSession({ computeType: 'agentcore', sessionId: input.sessionId })).resolves.toBeUndefined();
    aws.server.handle(errorAnswer(403, 'AccessDeniedException'));
    await expect(compute().stopSession({ computeType: 'agentcore', sessionId: input.sessionId })).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  test('no describe: AgentCore has no call that tells whether a runtime session still runs', () => {
    expect((compute() as { describe?: unknown }).describe).toBeUndefined();
  });
});
