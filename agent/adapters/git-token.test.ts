/**
 * The agent's git token: from the environment, else from the Secrets Manager secret the payload
 * names — read with the real SDK from a local endpoint that speaks Secrets Manager's JSON protocol
 * and records the requests (the agent on AgentCore, which passes no secrets to the container).
 */
import type { SessionPayload } from '../contracts';
import { silentLog } from '../runtime/log';
import { buildAdapters } from '../wiring';
import { startRecordingServer, type RecordingServer } from '../../services/adapters/testing/recording-server';
import { regionOfArn, resolveGitToken } from './git-token';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:abca/github-token-AbCdEf';
let server: RecordingServer;

// The SDK's default credential chain reads the process environment (as in the sandbox, where
// the session role's credentials are there).
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  server = await startRecordingServer((req) =>
    JSON.parse(req.body).SecretId === ARN
      ? { status: 200, headers: { 'Content-Type': 'application/x-amz-json-1.1' }, body: { ARN, Name: 'abca/github-token', SecretString: 'ghs_from_secrets_manager\n' } }
      : { status: 400, headers: { 'Content-Type': 'application/x-amz-json-1.1' }, body: { __type: 'ResourceNotFoundException', message: 'Secrets Manager can’t find the specified secret.' } },
  );
});
afterAll(async () => {
  await server?.close();
  for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const env = () => ({ AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint, ABCA_TELEMETRY_FILE: '/dev/null' });
const payload = (gitTokenRef?: string) =>
  ({ taskId: 'T1', sessionId: 'S1', harness: { type: 'replay', trajectoryRef: 'file:///t.json' }, gitApiUrl: 'http://127.0.0.1:1', telemetry: { streamName: 's', region: 'us-east-1' }, ...(gitTokenRef ? { gitTokenRef } : {}) }) as unknown as SessionPayload;

test('the environment wins; without it the payload names the secret, read in its own region with GetSecretValue', async () => {
  const before = server.requests.length;
  expect((await buildAdapters(payload(`secretsmanager:${ARN}`), { ...env(), ABCA_GIT_TOKEN: 'from-env' }, silentLog)).gitToken).toBe('from-env');
  expect(server.requests.length).toBe(before);

  const adapters = await buildAdapters(payload(`secretsmanager:${ARN}`), env(), silentLog);
  expect(adapters.gitToken).toBe('ghs_from_secrets_manager');
  const request = server.requests.at(-1)!;
  expect(request.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
  expect(JSON.parse(request.body)).toEqual({ SecretId: ARN });
  expect(String(request.headers.authorization)).toContain('/eu-west-1/secretsmanager/aws4_request');
});

test('no token anywhere → undefined; an unknown secret or ref kind → a clear error', async () => {
  expect(await resolveGitToken({}, {}, () => async () => 'x')).toBeUndefined();
  await expect(buildAdapters(payload('secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:nope'), env(), silentLog)).rejects.toThrow(/cannot read the git token from arn:aws:secretsmanager:eu-west-1:123456789012:secret:nope: .*can.t find/);
  await expect(resolveGitToken({ gitTokenRef: 'vault:x' }, {}, () => async () => 'x')).rejects.toThrow(/not supported/);
  expect(regionOfArn(ARN)).toBe('eu-west-1');
  expect(regionOfArn('nonsense')).toBeUndefined();
});
