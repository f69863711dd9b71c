/**
 * The SecretStore port on Secrets Manager, with the real @aws-sdk/client-secrets-manager client
 * pointed at a local HTTP server that records its exact requests and keeps a little secret table,
 * answering as the service does (awsJson1_1: POST /, `X-Amz-Target: secretsmanager.<Operation>`,
 * JSON bodies; errors as status 400 with `{ "__type": "<Exception>", "Message": … }`):
 *
 *   PutSecretValue  ResourceNotFoundException when no such secret; InvalidRequestException when it is scheduled for deletion
 *   CreateSecret    ResourceExistsException when the name is taken
 *   GetSecretValue  ResourceNotFoundException / InvalidRequestException as PutSecretValue
 *   DeleteSecret    ForceDeleteWithoutRecovery: gone at once; else scheduled for deletion. ResourceNotFoundException when gone.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretNameError } from '../../ports/secret-store';
import { SecretsManagerSecretStore } from './secrets-manager-secret-store';
import { RECORDING_ACCESS_KEY_ID, useRecordingClient, type RecordedAnswer, type RecordedRequest } from '../testing/recording-server';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const TARGET_PREFIX = 'secretsmanager.';
const KMS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

interface StoredSecret {
  value: string;
  kmsKeyId?: string;
  /** Set when deleted with a recovery window: the secret is scheduled for deletion. */
  deletionDate?: number;
}

/** A tiny Secrets Manager: secrets by name, enough of Create/Put/Get/Delete for the adapter. */
class LocalSecretsManager {
  readonly secrets = new Map<string, StoredSecret>();
  /** Runs just before a CreateSecret is handled (e.g. another writer creating the same name). */
  beforeCreate: ((name: string) => void) | null = null;
  /** Answer the next request for this operation with this error instead. */
  error: { operation: string; type: string; status?: number; message?: string } | null = null;
  private version = 0;

  answer = (r: RecordedRequest): RecordedAnswer => {
    const target = String(r.headers['x-amz-target'] ?? '');
    if (r.method !== 'POST' || r.path !== '/' || !target.startsWith(TARGET_PREFIX)) return failure('UnknownOperationException', `no route for ${r.method} ${r.path} ${target}`);
    const operation = target.slice(TARGET_PREFIX.length);
    if (this.error?.operation === operation) {
      const { type, status, message } = this.error;
      this.error = null;
      return failure(type, message ?? 'scripted', status);
    }
    const body = JSON.parse(r.body) as Record<string, unknown>;
    switch (operation) {
      case 'CreateSecret': {
        const name = String(body.Name);
        this.beforeCreate?.(name);
        if (this.secrets.has(name)) return failure('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
        this.secrets.set(name, { value: String(body.SecretString), ...(body.KmsKeyId ? { kmsKeyId: String(body.KmsKeyId) } : {}) });
        return ok({ ARN: arnOf(name), Name: name, VersionId: this.nextVersion() });
      }
      case 'PutSecretValue': {
        const found = this.find(String(body.SecretId));
        if ('failure' in found) return found.failure;
        found.secret.value = String(body.SecretString);
        return ok({ ARN: arnOf(found.name), Name: found.name, VersionId: this.nextVersion(), VersionStages: ['AWSCURRENT'] });
      }
      case 'GetSecretValue': {
        const found = this.find(String(body.SecretId));
        if ('failure' in found) return found.failure;
        return ok({ ARN: arnOf(found.name), Name: found.name, SecretString: found.secret.value, VersionId: 'v', VersionStages: ['AWSCURRENT'], CreatedDate: 1.7e9 });
      }
      case 'DeleteSecret': {
        const name = String(body.SecretId);
        const secret = this.secrets.get(name);
        if (!secret) return notFound();
        const deletionDate = Date.now() / 1000 + (body.ForceDeleteWithoutRecovery === true ? 0 : Number(body.RecoveryWindowInDays ?? 30) * 86_400);
        if (body.ForceDeleteWithoutRecovery === true) this.secrets.delete(name);
        else secret.deletionDate = deletionDate;
        return ok({ ARN: arnOf(name), Name: name, DeletionDate: deletionDate });
      }
    }
    return failure('UnknownOperationException', `unexpected ${operation}`);
  };

  private find(name: string): { name: string; secret: StoredSecret } | { failure: RecordedAnswer } {
    const secret = this.secrets.get(name);
    if (!secret) return { failure: notFound() };
    if (secret.deletionDate !== undefined) return { failure: failure('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.") };
    return { name, secret };
  }

  private nextVersion(): string {
    return `00000000-0000-4000-8000-${String(++this.version).padStart(12, '0')}`;
  }
}

const HEADERS = { 'content-type': 'application/x-amz-json-1.1' };
const ok = (body: object): RecordedAnswer => ({ status: 200, headers: HEADERS, body });
const failure = (type: string, message: string, status = 400): RecordedAnswer => ({ status, headers: HEADERS, body: { __type: type, Message: message } });
const notFound = () => failure('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const arnOf = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;

let sm: LocalSecretsManager;
const aws = useRecordingClient((config) => new SecretsManagerClient(config), { region: REGION, handler: () => (sm = new LocalSecretsManager()).answer });

/** Each request as its X-Amz-Target and parsed JSON body. */
const wire = () => aws.server.requests.map((r) => ({ target: r.headers['x-amz-target'], body: JSON.parse(r.body) as Record<string, unknown> }));
const token = expect.any(String); // the SDK's idempotency token (ClientRequestToken)

test('put creates the secret under the prefix, then replaces its value; get reads it back; delete removes it at once', async () => {
  const store = new SecretsManagerSecretStore({ client: aws.client, prefix: 'abca/api/' });
  await store.put('webhook-1', 'first');
  await store.put('webhook-1', 'second');
  expect(await store.get('webhook-1')).toBe('second');
  expect([...sm.secrets]).toEqual([['abca/api/webhook-1', { value: 'second' }]]);
  await store.delete('webhook-1');
  await store.delete('webhook-1'); // gone already: fine
  expect(await store.get('webhook-1')).toBeUndefined();
  expect(sm.secrets.size).toBe(0);

  const id = 'abca/api/webhook-1';
  expect(wire()).toEqual([
    { target: 'secretsmanager.PutSecretValue', body: { SecretId: id, SecretString: 'first', ClientRequestToken: token } },
    { target: 'secretsmanager.CreateSecret', body: { Name: id, SecretString: 'first', ClientRequestToken: token } }, // no KmsKeyId: the account's aws/secretsmanager key
    { target: 'secretsmanager.PutSecretValue', body: { SecretId: id, SecretString: 'second', ClientRequestToken: token } },
    { target: 'secretsmanager.GetSecretValue', body: { SecretId: id } },
    { target: 'secretsmanager.DeleteSecret', body: { SecretId: id, ForceDeleteWithoutRecovery: true } },
    { target: 'secretsmanager.DeleteSecret', body: { SecretId: id, ForceDeleteWithoutRecovery: true } },
    { target: 'secretsmanager.GetSecretValue', body: { SecretId: id } },
  ]);
  for (const r of aws.server.requests) {
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/');
    expect(r.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(r.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${RECORDING_ACCESS_KEY_ID}/\\d{8}/${REGION}/secretsmanager/aws4_request, `));
  }
});

test('with a KMS key, the secret is created encrypted with it', async () => {
  const store = new SecretsManagerSecretStore({ client: aws.client, prefix: 'p/', kmsKeyId: KMS_KEY });
  await store.put('w', 'value');
  expect(wire()).toEqual([
    { target: 'secretsmanager.PutSecretValue', body: { SecretId: 'p/w', SecretString: 'value', ClientRequestToken: token } },
    { target: 'secretsmanager.CreateSecret', body: { Name: 'p/w', SecretString: 'value', KmsKeyId: KMS_KEY, ClientRequestToken: token } },
  ]);
  expect(sm.secrets.get('p/w')).toEqual({ value: 'value', kmsKeyId: KMS_KEY });
});

test('two puts racing to create: the loser writes its value instead of failing', async () => {
  const store = new SecretsManagerSecretStore({ client: aws.client, prefix: 'p/' });
  sm.beforeCreate = (name) => {
    sm.beforeCreate = null;
    sm.secrets.set(name, { value: 'theirs' }); // another writer created it meanwhile
  };
  await store.put('w', 'ours');
  expect(sm.secrets.get('p/w')).toEqual({ value: 'ours' });
  expect(wire()).toEqual([
    { target: 'secretsmanager.PutSecretValue', body: { SecretId: 'p/w', SecretString: 'ours', ClientRequestToken: token } }, // ResourceNotFoundException
    { target: 'secretsmanager.CreateSecret', body: { Name: 'p/w', SecretString: 'ours', ClientRequestToken: token } }, // ResourceExistsException
    { target: 'secretsmanager.PutSecretValue', body: { SecretId: 'p/w', SecretString: 'ours', ClientRequestToken: token } },
  ]);
});

test('a secret scheduled for deletion (deleted elsewhere with a recovery window) reads as absent', async () => {
  sm.secrets.set('p/w', { value: 'old', deletionDate: Date.now() / 1000 + 7 * 86_400 });
  const store = new SecretsManagerSecretStore({ client: aws.client, prefix: 'p/' });
  expect(await store.get('w')).toBeUndefined(); // the service answers InvalidRequestException
  expect(wire()).toEqual([{ target: 'secretsmanager.GetSecretValue', body: { SecretId: 'p/w' } }]);
});

test('other errors surface', async () => {
  const store = new SecretsManagerSecretStore({ client: aws.client, prefix: 'p/' });
  sm.error = { operation: 'GetSecretValue', type: 'AccessDeniedException', message: 'not authorized to perform secretsmanager:GetSecretValue' };
  await expect(store.get('w')).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'not authorized to perform secretsmanager:GetSecretValue' });
  sm.error = { operation: 'PutSecretValue', type: 'InternalServiceError', status: 500, message: 'try again' };
  await expect(store.put('w', 'v')).rejects.toMatchObject({ name: 'InternalServiceError' });
  sm.error = { operation: 'DeleteSecret', type: 'AccessDeniedException', message: 'denied' };
  await expect(store.delete('w')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  expect(wire().map((c) => c.target)).toEqual(['secretsmanager.GetSecretValue', 'secretsmanager.PutSecretValue', 'secretsmanager.DeleteSecret']); // no CreateSecret after a failed put
});

test('names and values are checked as by every SecretStore, before any request', async () => {
  const store = new SecretsManagerSecretStore({ client: aws.client, prefix: 'p/' });
  await expect(store.get('../x')).rejects.toThrow(SecretNameError);
  await expect(store.put('ok', '')).rejects.toThrow(RangeError);
  expect(aws.server.requests).toHaveLength(0);
});
