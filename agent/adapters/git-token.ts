/**
 * The agent's git token. The compute puts it in the environment where it can (ABCA_GIT_TOKEN: the
 * local compute, an ECS task secret); AgentCore passes no secrets to the container, so there the
 * payload names the secret instead (`gitTokenRef: secretsmanager:<secret arn>`) and the agent reads
 * it with its session role, which may read that one secret and nothing else (infra/constructs).
 * The token is used for git over HTTP and the REST API only; it never reaches the harness.
 */
import { SECRETS_MANAGER_REF, type SessionPayload } from '../../schemas/agent/contracts';

/** Reads a Secrets Manager secret by ARN (services/adapters/secrets/secrets-manager-reader.ts in production). */
export type SecretRead = (arn: string) => Promise<string>;

export async function resolveGitToken(payload: Pick<SessionPayload, 'gitTokenRef'>, env: NodeJS.ProcessEnv, read: () => SecretRead): Promise<string | undefined> {
  const fromEnv = env.ABCA_GIT_TOKEN || env.GITHUB_TOKEN;
  if (fromEnv) return fromEnv;
  const ref = payload.gitTokenRef;
  if (!ref) return undefined;
  if (!ref.startsWith(SECRETS_MANAGER_REF)) throw new Error(`gitTokenRef ${JSON.stringify(ref.slice(0, 80))} is not supported (expected secretsmanager:<secret arn>)`);
  const arn = ref.slice(SECRETS_MANAGER_REF.length);
  try {
    return await read()(arn);
  } catch (err) {
    throw new Error(`cannot read the git token from ${arn}: ${(err as Error).message}`);
  }
}

/** The region of a Secrets Manager ARN (arn:aws:secretsmanager:<region>:…), where the client must go. */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):/.exec(arn)?.[1];
}
