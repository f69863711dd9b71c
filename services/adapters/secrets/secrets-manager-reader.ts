/**
 * Secrets read at run time from Secrets Manager by ARN: by the Lambda functions (the GitHub token,
 * the API's page-token key; services/cloud/deps-from-env.ts) and by the agent on AgentCore (its git
 * token; agent/wiring.ts, so the agent image copies this file). Fetched on first use and kept for
 * the life of the process (a warm invocation costs no call). A failed fetch is not cached (the
 * next use tries again).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type SecretReader = (secretArn: string) => Promise<string>;

let shared: SecretsManagerClient | undefined;
const client = () => (shared ??= new SecretsManagerClient({}));

/** One reader per process: each secret is fetched once. */
export function cachedSecretReader(send: Pick<SecretsManagerClient, 'send'>['send'] = (command) => client().send(command)): SecretReader {
  const cache = new Map<string, Promise<string>>();
  return (secretArn) => {
    let value = cache.get(secretArn);
    if (!value) {
      value = send(new GetSecretValueCommand({ SecretId: secretArn })).then((out) => {
        const text = out.SecretString?.trim();
        if (!text) throw new Error(`the secret ${secretArn} has no string value; store the value as plain text`);
        return text;
      });
      value.catch(() => cache.delete(secretArn));
      cache.set(secretArn, value);
    }
    return value;
  };
}
