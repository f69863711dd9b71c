/**
 * SecretStore (services/ports/secret-store.ts) on AWS Secrets Manager: the secret `name` is the
 * Secrets Manager secret `<prefix><name>` (e.g. `abca/webhook-01J...`), encrypted with `kmsKeyId`
 * when one is given (else the account's `aws/secretsmanager` key).
 *
 *   put     PutSecretValue; a secret that does not exist yet is created (CreateSecret). Two puts
 *           racing to create the same name: the loser's CreateSecret fails with
 *           ResourceExistsException and it writes its value with PutSecretValue instead.
 *   get     GetSecretValue; no such secret (or one being deleted) → undefined.
 *   delete  DeleteSecret without a recovery window: a revoked webhook's key must not be restorable,
 *           and the name is free again at once. Deleting a secret that is gone is fine.
 *
 * IAM (CDK: infra/constructs/task-api.ts): secretsmanager:CreateSecret, PutSecretValue,
 * GetSecretValue, DeleteSecret on `secret:<prefix>*` only.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { checkSecretName, MAX_SECRET_BYTES, type SecretStore } from '../../ports/secret-store';

export interface SecretsManagerSecretStoreOptions {
  readonly client: Pick<SecretsManagerClient, 'send'>;
  /** Put before every name (e.g. `abca/`): scopes the platform's secrets and its IAM policy. */
  readonly prefix: string;
  readonly kmsKeyId?: string;
}

const isNamed = (err: unknown, ...names: string[]): boolean => names.includes((err as Error | undefined)?.name ?? '');

export class SecretsManagerSecretStore implements SecretStore {
  constructor(private readonly options: SecretsManagerSecretStoreOptions) {}

  async put(name: string, value: string): Promise<void> {
    const id = this.idOf(name);
    if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
      throw new RangeError(`secret ${name}: the value must be a non-empty string of at most ${MAX_SECRET_BYTES} bytes`);
    }
    try {
      await this.options.client.send(new PutSecretValueCommand({ SecretId: id, SecretString: value }));
      return;
    } catch (err) {
      if (!isNamed(err, 'ResourceNotFoundException')) throw err;
    }
    try {
      await this.options.client.send(
        new CreateSecretCommand({ Name: id, SecretString: value, ...(this.options.kmsKeyId ? { KmsKeyId: this.options.kmsKeyId } : {}) }),
      );
    } catch (err) {
      if (!isNamed(err, 'ResourceExistsException')) throw err;
      await this.options.client.send(new PutSecretValueCommand({ SecretId: id, SecretString: value }));
    }
  }

  async get(name: string): Promise<string | undefined> {
    try {
      const out = await this.options.client.send(new GetSecretValueCommand({ SecretId: this.idOf(name) }));
      return out.SecretString;
    } catch (err) {
      // InvalidRequestException: the secret is scheduled for deletion (deleted elsewhere with a window).
      if (isNamed(err, 'ResourceNotFoundException', 'InvalidRequestException')) return undefined;
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.options.client.send(new DeleteSecretCommand({ SecretId: this.idOf(name), ForceDeleteWithoutRecovery: true }));
    } catch (err) {
      if (!isNamed(err, 'ResourceNotFoundException')) throw err;
    }
  }

  private idOf(name: string): string {
    checkSecretName(name);
    return `${this.options.prefix}${name}`;
  }
}
