/**
 * Test support: the GetSecretValue operation of Secrets Manager (awsJson1_1, as the real service
 * answers it) over secrets whose value a test rotates, for a recording server
 * (./recording-server.ts). Secret ids are names or ARNs; each rotation makes a new version.
 *
 *   const sm = new RotatingSecrets({ 'abca/github-token': 'token-v1' });
 *   const aws = useRecordingClient((config) => new SecretsManagerClient(config), { handler: () => sm.answer });
 *   sm.rotate('abca/github-token', 'token-v2');
 */
import type { RecordedAnswer, RecordedRequest } from './recording-server';

const HEADERS = { 'content-type': 'application/x-amz-json-1.1' };

export class RotatingSecrets {
  private readonly values = new Map<string, { value: string | null; version: number }>();
  /** Answer the next GetSecretValue with this error instead (`__type`, e.g. AccessDeniedException). */
  failNext: string | null = null;

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [id, value] of Object.entries(initial)) this.values.set(id, { value, version: 1 });
  }

  /** A new current version of the secret (null: a binary secret, without SecretString). */
  rotate(id: string, value: string | null): void {
    this.values.set(id, { value, version: (this.values.get(id)?.version ?? 0) + 1 });
  }

  answer = (r: RecordedRequest): RecordedAnswer => {
    const target = String(r.headers['x-amz-target'] ?? '');
    if (target !== 'secretsmanager.GetSecretValue') return { status: 400, headers: HEADERS, body: { __type: 'UnknownOperationException', Message: target } };
    if (this.failNext) {
      const type = this.failNext;
      this.failNext = null;
      return { status: 400, headers: HEADERS, body: { __type: type, Message: `scripted ${type}` } };
    }
    const id = String((JSON.parse(r.body) as { SecretId?: unknown }).SecretId);
    const secret = this.values.get(id);
    if (!secret) return { status: 400, headers: HEADERS, body: { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." } };
    const body = {
      ARN: id.startsWith('arn:') ? id : `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-AbCdEf`,
      Name: id,
      VersionId: `00000000-0000-4000-8000-${String(secret.version).padStart(12, '0')}`,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1.7e9,
      ...(secret.value === null ? { SecretBinary: Buffer.from([1, 2, 3]).toString('base64') } : { SecretString: secret.value }),
    };
    return { status: 200, headers: HEADERS, body };
  };
}

/** Fakes only Date (not timers: the SDK's and the servers' I/O runs for real), starting at `start`; move it with jest.setSystemTime. */
export function fakeDateOnly(start: number): void {
  jest.useFakeTimers({
    now: start,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}
