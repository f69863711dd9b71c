/**
 * Which Screening hydration uses, from the environment of the process that runs it:
 *
 *   ABCA_GUARDRAIL_ID + ABCA_GUARDRAIL_VERSION   Bedrock Guardrails (ApplyGuardrail) in AWS_REGION
 *                                                (services/adapters/screening/bedrock-guardrail-screening.ts)
 *   neither                                      the rule-based screen (RuleBasedScreening)
 *
 * Half a configuration (one variable without the other) or a malformed value is refused when the
 * screen is built, with a message saying what to set: a typo must not quietly downgrade the cloud
 * screen to the local rules, nor fail every task later with a ValidationException.
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { BedrockGuardrailScreening } from '../../adapters/screening/bedrock-guardrail-screening';
import { bedrockRuntimeClient } from '../../adapters/screening/bedrock-runtime-client';
import { RuleBasedScreening, type Screening } from './screening';

export const GUARDRAIL_ID_ENV = 'ABCA_GUARDRAIL_ID';
export const GUARDRAIL_VERSION_ENV = 'ABCA_GUARDRAIL_VERSION';

/** ApplyGuardrail's own patterns for the identifier (id or ARN) and the version. */
const GUARDRAIL_ID = /^(?:[a-z0-9]+|arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+)$/;
const GUARDRAIL_VERSION = /^(?:[1-9][0-9]{0,7}|DRAFT)$/;

export class ScreeningConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScreeningConfigError';
  }
}

export interface ScreeningFactoryDeps {
  /** The Bedrock Runtime client to use (default: bedrockRuntimeClient() in AWS_REGION). */
  readonly client?: Pick<BedrockRuntimeClient, 'send'>;
}

export function screeningFromEnv(env: NodeJS.ProcessEnv = process.env, deps: ScreeningFactoryDeps = {}): Screening {
  const guardrailId = env[GUARDRAIL_ID_ENV]?.trim() || undefined;
  const guardrailVersion = env[GUARDRAIL_VERSION_ENV]?.trim() || undefined;
  if (!guardrailId && !guardrailVersion) return new RuleBasedScreening();
  if (!guardrailId || !guardrailVersion) {
    throw new ScreeningConfigError(
      `${GUARDRAIL_ID_ENV} and ${GUARDRAIL_VERSION_ENV} go together: set both to screen with a Bedrock guardrail (e.g. ${GUARDRAIL_VERSION_ENV}=1), or neither for the rule-based screen`,
    );
  }
  if (!GUARDRAIL_ID.test(guardrailId)) throw new ScreeningConfigError(`${GUARDRAIL_ID_ENV}=${JSON.stringify(guardrailId)} is not a guardrail id or ARN`);
  if (!GUARDRAIL_VERSION.test(guardrailVersion)) {
    throw new ScreeningConfigError(`${GUARDRAIL_VERSION_ENV}=${JSON.stringify(guardrailVersion)} must be a version number (1, 2, ...) or DRAFT`);
  }
  const client = deps.client ?? bedrockRuntimeClient(env.AWS_REGION ? { region: env.AWS_REGION } : {});
  return new BedrockGuardrailScreening({ client, guardrailId, guardrailVersion });
}
