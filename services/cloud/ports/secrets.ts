/**
 * The function's secret reader (services/adapters/secrets/secrets-manager-reader.ts: Powertools
 * Parameters, each secret cached for its max age: POWERTOOLS_PARAMETERS_MAX_AGE, default 300 s), one per function and shared by its ports. Apart
 * from ./cloud-ports.ts so that only the bundles of functions that read secrets (the git provider's,
 * the API's) hold Powertools Parameters and the Secrets Manager client.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cachedSecretReader, secretMaxAgeSeconds, type SecretReader } from '../../adapters/secrets/secrets-manager-reader';
import type { CloudContext } from '../cloud-ports';
import { traced } from '../instrument';

export const secretsOf = (ctx: CloudContext): SecretReader =>
  ctx.overrides.secrets ?? ctx.shared('secrets', () => cachedSecretReader({ client: traced(new SecretsManagerClient({})), maxAgeSeconds: secretMaxAgeSeconds(ctx.env) }));
