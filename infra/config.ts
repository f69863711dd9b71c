/**
 * The deployment's settings, from CDK context (`cdk.json` "context", or `-c key=value` on the
 * command line; docs/DEPLOY.md lists them). Everything has a safe default except what only the
 * deployer can know (secrets, e-mail). Bad values fail synthesis with a message saying what to set.
 */
import type { Node } from 'constructs';
import { CLOUD_COMPUTES, type CloudCompute } from '../services/cloud/deps-from-env';
import type { RepoConfigInput } from '../services/repos/repo/repo-config';

interface BlueprintSpec {
  readonly repo: string;
  readonly config?: RepoConfigInput;
}

export interface PlatformConfig {
  /** Names every resource (`<prefix>-events`, bus `<prefix>`...): several deployments fit in one account. */
  readonly prefix: string;
  readonly compute: CloudCompute;
  readonly archiveRetentionDays: number;
  readonly agentImageUri?: string;
  readonly gitTokenSecretArn?: string;
  readonly slackWebhookSecret?: string;
  readonly githubWebhookSecretArn?: string;
  readonly alarmEmail?: string;
  readonly admins: readonly string[];
  readonly guardrail?: { readonly id: string; readonly version: string };
  readonly blueprints: readonly BlueprintSpec[];
}

/** Context values arrive as strings from `-c`, as JSON values from cdk.json: accept both. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new Error(`context value is not valid JSON: ${(err as Error).message}`);
    }
  }
  return text;
}

export function configFromContext(node: Node): PlatformConfig {
  const get = (key: string): unknown => parsed(node.tryGetContext(key));
  const text = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`context "${key}" must be a string`);
    return value;
  };
  const prefix = text('prefix') ?? 'abca';
  if (!/^[a-z][a-z0-9-]{1,20}$/.test(prefix)) throw new Error(`context "prefix" must be 2-21 of a-z 0-9 - starting with a letter (got ${JSON.stringify(prefix)})`);
  const compute = text('compute') ?? 'agentcore';
  if (!(CLOUD_COMPUTES as readonly string[]).includes(compute)) throw new Error(`context "compute" must be one of ${CLOUD_COMPUTES.join(', ')} (got ${JSON.stringify(compute)})`);
  const retention = Number(get('archiveRetentionDays') ?? 365);
  if (!Number.isInteger(retention) || retention < 1) throw new Error('context "archiveRetentionDays" must be a whole number of days (≥ 1)');
  const admins = get('admins') ?? [];
  const guardrailId = text('guardrailId');
  const guardrailVersion = text('guardrailVersion');
  if (Boolean(guardrailId) !== Boolean(guardrailVersion)) throw new Error('context "guardrailId" and "guardrailVersion" go together');
  const blueprints = get('blueprints') ?? [];
  if (!Array.isArray(blueprints) || blueprints.some((b) => typeof b?.repo !== 'string')) throw new Error('context "blueprints" must be a list of { "repo": "owner/name", "config": {...} }');
  return {
    prefix,
    compute: compute as CloudCompute,
    archiveRetentionDays: retention,
    agentImageUri: text('agentImageUri'),
    gitTokenSecretArn: text('gitTokenSecretArn'),
    slackWebhookSecret: text('slackWebhookSecret'),
    githubWebhookSecretArn: text('githubWebhookSecretArn'),
    alarmEmail: text('alarmEmail'),
    admins: typeof admins === 'string' ? admins.split(',').map((a) => a.trim()).filter(Boolean) : (admins as string[]),
    guardrail: guardrailId && guardrailVersion ? { id: guardrailId, version: guardrailVersion } : undefined,
    blueprints: blueprints as BlueprintSpec[],
  };
}
