/**
 * The secret reader (Powertools Parameters' SecretsProvider) with the real Secrets Manager client
 * pointed at a local server that speaks GetSecretValue and whose secret a test rotates: a value is
 * kept for the max age (no call), a rotated one is read after it — without a new reader (a cold
 * start) — and a forced read after a refusal fetches at once, at most every 30 s. Only Date is
 * faked (the max age is Powertools' own clock); no test sleeps.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { useRecordingClient } from '../testing/recording-server';
import { fakeDateOnly, RotatingSecrets } from '../testing/rotating-secrets';
import { cachedSecretReader, DEFAULT_SECRET_MAX_AGE_SECONDS, secretMaxAgeSeconds } from './secrets-manager-reader';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:abca/github-token-AbCdEf';
const T0 = Date.UTC(2026, 0, 1);

let sm: RotatingSecrets;
const aws = useRecordingClient((config) => new SecretsManagerClient(config), { handler: () => (sm = new RotatingSecrets({ [ARN]: 'token-v1' })).answer });
const calls = () => aws.server.requests.length;
const at = (seconds: number) => jest.setSystemTime(T0 + seconds * 1000);

beforeEach(() => fakeDateOnly(T0));
afterEach(() => jest.useRealTimers());

test('v1 is kept for the max age; rotated to v2, the first read after the max age sees v2 (same reader, one call per max age)', async () => {
  const read = cachedSecretReader({ client: aws.client, maxAgeSeconds: 300 });
  expect(await read(ARN)).toBe('token-v1');
  expect(calls()).toBe(1);
  expect(aws.server.requests[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
  expect(JSON.parse(aws.server.requests[0]!.body)).toEqual({ SecretId: ARN });

  sm.rotate(ARN, 'token-v2');
  at(299);
  expect(await read(ARN)).toBe('token-v1'); // cached: no call
  expect(calls()).toBe(1);
  at(301);
  expect(await read(ARN)).toBe('token-v2');
  expect(calls()).toBe(2);
  at(400);
  expect(await read(ARN)).toBe('token-v2');
  expect(calls()).toBe(2);
});

test('a forced read fetches at once, at most once per 30 s and secret (a refusal a stranger provokes cannot flood Secrets Manager)', async () => {
  const read = cachedSecretReader({ client: aws.client, maxAgeSeconds: 300 });
  expect(await read(ARN)).toBe('token-v1');
  sm.rotate(ARN, 'token-v2');
  at(10);
  expect(await read(ARN, { forceFetch: true })).toBe('token-v2');
  expect(calls()).toBe(2);
  sm.rotate(ARN, 'token-v3');
  at(39);
  expect(await read(ARN, { forceFetch: true })).toBe('token-v2'); // too soon: the cached value
  expect(calls()).toBe(2);
  at(40);
  expect(await read(ARN, { forceFetch: true })).toBe('token-v3');
  expect(calls()).toBe(3);
});

test('concurrent first reads share one call; a failed read is not cached and fails with the service\'s own error', async () => {
  const read = cachedSecretReader({ client: aws.client, maxAgeSeconds: 300 });
  sm.failNext = 'AccessDeniedException';
  await expect(read(ARN)).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'scripted AccessDeniedException' });
  expect(await Promise.all([read(ARN), read(ARN), read(ARN)])).toEqual(['token-v1', 'token-v1', 'token-v1']);
  expect(calls()).toBe(2);
});

test('a secret without a string value is refused with what to do', async () => {
  sm.rotate(ARN, null);
  await expect(cachedSecretReader({ client: aws.client })(ARN)).rejects.toThrow(`the secret ${ARN} has no string value; store the value as plain text`);
  sm.rotate(ARN, '  \n');
  await expect(cachedSecretReader({ client: aws.client })(ARN)).rejects.toThrow('has no string value');
});

test('the max age: POWERTOOLS_PARAMETERS_MAX_AGE, default 300 s (0: every read calls Secrets Manager)', async () => {
  expect(secretMaxAgeSeconds({})).toBe(DEFAULT_SECRET_MAX_AGE_SECONDS);
  expect(DEFAULT_SECRET_MAX_AGE_SECONDS).toBe(300);
  expect(secretMaxAgeSeconds({ POWERTOOLS_PARAMETERS_MAX_AGE: ' 60 ' })).toBe(60);
  expect(() => secretMaxAgeSeconds({ POWERTOOLS_PARAMETERS_MAX_AGE: '5m' })).toThrow('POWERTOOLS_PARAMETERS_MAX_AGE="5m": set it to a whole number of seconds (0: no caching)');
  const read = cachedSecretReader({ client: aws.client, maxAgeSeconds: 0 });
  await read(ARN);
  await read(ARN);
  expect(calls()).toBe(2);
});
