/**
 * Rotating a secret reaches a warm function without a cold start: the Lambda git provider and the
 * REST API read their secrets on use, through the secret reader (Powertools Parameters, cached for
 * the max age), here with the real Secrets Manager client pointed at a local server that speaks
 * GetSecretValue and the real octokit pointed at a local GitHub stand-in. Each test builds its
 * function once, serves v1, rotates to v2 and sees v2 after the max age (or at once when GitHub
 * refuses the old token, or a delivery is signed with the new secret). Only Date is faked.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cachedSecretReader } from '../adapters/secrets/secrets-manager-reader';
import { startRecordingServer, useRecordingClient, type RecordingServer } from '../adapters/testing/recording-server';
import { fakeDateOnly, RotatingSecrets } from '../adapters/testing/rotating-secrets';
import { createApiHandler } from '../api/api-handler';
import { signBody } from '../kernel/hmac-signature';
import { cloudPortsFor } from './cloud-ports';
import { apiDepsFromEnv } from './deps-from-env';
import { CLOUD_ENV } from './env';
import { LazyGitProvider } from './lazy-git-provider';
import { cloudGit } from './ports/git';

const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:abca/github-token-AbCdEf';
const HOOK_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:abca/github-webhook-AbCdEf';
const PAGE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:abca/page-token-AbCdEf';
const T0 = Date.UTC(2026, 0, 1);

let sm: RotatingSecrets;
const aws = useRecordingClient((config) => new SecretsManagerClient(config), {
  handler: () => (sm = new RotatingSecrets({ [TOKEN_ARN]: 'token-v1', [HOOK_ARN]: 'hook-v1', [PAGE_ARN]: 'p'.repeat(40) })).answer,
});
/** The Secrets Manager calls so far, by secret. */
const reads = (arn: string) => aws.server.requests.filter((r) => (JSON.parse(r.body) as { SecretId: string }).SecretId === arn).length;
// Each test starts a day after the previous one: octokit's pacing (one Bottleneck group per process) must never see time go back.
let start = T0;
const at = (seconds: number) => jest.setSystemTime(start + seconds * 1000);

beforeEach(() => fakeDateOnly((start += 86_400_000)));
afterEach(() => jest.useRealTimers());

describe('the git provider of a Lambda function', () => {
  let github: RecordingServer;
  /** Tokens GitHub refuses (401), as after a revocation. */
  const revoked = new Set<string>();
  beforeAll(async () => {
    github = await startRecordingServer();
  });
  afterAll(async () => github.close());
  beforeEach(() => {
    github.requests.length = 0;
    revoked.clear();
    github.handle((r) =>
      revoked.has(String(r.headers.authorization)) ? { status: 401, headers: { 'content-type': 'application/json' }, body: { message: 'Bad credentials' } } : { status: 200, headers: { 'content-type': 'application/json' }, body: [] },
    );
  });
  const tokensSent = () => github.requests.map((r) => r.headers.authorization);

  test('the cloud factory reads no secret until a GitHub call', () => {
    const secrets = jest.fn(async () => 'token');
    const { git } = cloudPortsFor(['git'], { git: cloudGit }, { [CLOUD_ENV.gitTokenSecretArn]: TOKEN_ARN }, 'x', { secrets });
    expect(git).toBeInstanceOf(LazyGitProvider);
    expect(secrets).not.toHaveBeenCalled();
  });

  test('v1 is used until the max age; rotated to v2, the next call after it authenticates with v2 (same provider)', async () => {
    const read = cachedSecretReader({ client: aws.client, maxAgeSeconds: 300 });
    const git = LazyGitProvider.github((options) => read(TOKEN_ARN, options), github.endpoint);
    expect(await git.findPullRequest('octo/widgets', 'bgagent/t1/x')).toBeNull();
    sm.rotate(TOKEN_ARN, 'token-v2');
    at(200);
    expect(await git.findPullRequest('octo/widgets', 'bgagent/t1/x')).toBeNull();
    at(301);
    expect(await git.findPullRequest('octo/widgets', 'bgagent/t1/x')).toBeNull();
    expect(tokensSent()).toEqual(['token token-v1', 'token token-v1', 'token token-v2']);
    expect(reads(TOKEN_ARN)).toBe(2);
  });

  test('GitHub refusing a revoked token (401) before the max age: the token is read again at once and the call retried', async () => {
    const read = cachedSecretReader({ client: aws.client, maxAgeSeconds: 300 });
    const git = LazyGitProvider.github((options) => read(TOKEN_ARN, options), github.endpoint);
    expect(await git.findPullRequest('octo/widgets', 'b')).toBeNull();
    sm.rotate(TOKEN_ARN, 'token-v2');
    revoked.add('token token-v1');
    at(60);
    expect(await git.findPullRequest('octo/widgets', 'b')).toBeNull();
    expect(tokensSent()).toEqual(['token token-v1', 'token token-v1', 'token token-v2']);
    expect(reads(TOKEN_ARN)).toBe(2);

    // A refusal that is not a rotation (the current token is refused too) fails, without a loop.
    revoked.add('token token-v2');
    at(61);
    await expect(git.findPullRequest('octo/widgets', 'b')).rejects.toMatchObject({ status: 401 });
  });
});

describe('the REST API', () => {
  const ENV = {
    [CLOUD_ENV.tablePrefix]: 'abca',
    [CLOUD_ENV.blobBucket]: 'abca-blobs',
    [CLOUD_ENV.secretsPrefix]: 'abca/api/',
    [CLOUD_ENV.pageTokenSecretArn]: PAGE_ARN,
    [CLOUD_ENV.userPoolId]: 'us-east-1_AbCdEf123',
    [CLOUD_ENV.userPoolClientId]: 'client',
    [CLOUD_ENV.githubWebhookSecretArn]: HOOK_ARN,
    AWS_REGION: 'us-east-1',
  };
  const ping = (secret: string): APIGatewayProxyEvent => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    return {
      httpMethod: 'POST',
      path: '/v1/github/events',
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'd-1', 'x-hub-signature-256': signBody(secret, body) },
      body,
      isBase64Encoded: false,
      requestContext: { identity: { sourceIp: '192.0.2.1' } },
    } as unknown as APIGatewayProxyEvent;
  };

  test('reads no secret to start: the page-token key and the webhook secret are read on use', async () => {
    await apiDepsFromEnv(ENV, { secrets: cachedSecretReader({ client: aws.client }) });
    expect(aws.server.requests).toHaveLength(0);
  });

  test('GitHub\'s webhook secret rotated: a delivery signed with the new one is accepted at once (one forced read), a wrong one refused without another read; after the max age the next rotation is picked up without one', async () => {
    const api = createApiHandler(await apiDepsFromEnv(ENV, { secrets: cachedSecretReader({ client: aws.client, maxAgeSeconds: 300 }) }));
    expect((await api(ping('hook-v1'))).statusCode).toBe(200);
    expect(reads(HOOK_ARN)).toBe(1);

    sm.rotate(HOOK_ARN, 'hook-v2'); // GitHub signs with the new secret from now on
    at(60);
    expect((await api(ping('hook-v2'))).statusCode).toBe(200);
    expect(reads(HOOK_ARN)).toBe(2);
    at(70);
    expect((await api(ping('hook-v1'))).statusCode).toBe(401); // the old secret no longer works
    expect((await api(ping('not-the-secret'))).statusCode).toBe(401);
    expect(reads(HOOK_ARN)).toBe(2); // forced reads at most every 30 s

    sm.rotate(HOOK_ARN, 'hook-v3');
    at(361); // v2 was read at 60: its max age is over
    expect((await api(ping('hook-v3'))).statusCode).toBe(200);
    expect(reads(HOOK_ARN)).toBe(3);
  });
});
