/**
 * The REST API's dependencies on the embedded platform: its ports (API_PORTS) from the platform's
 * registry, the credentials service over a file secret store, the DynamoDB rate limiter, and the
 * API's own settings. `npm start` and the API tests build the API the same way.
 */
import { mkdirSync } from 'node:fs';
import type { Platform } from '../platform/platform';
import { FileSecretStore } from '../../services/adapters/secrets/file-secret-store';
import { createCredentials } from '../../services/credentials/credentials';
import { createLogger } from '../../services/kernel/logger';
import { tableName } from '../../services/kernel/tables';
import { API_PORTS, fixedSecret, type ApiDeps } from '../../services/api/deps';
import { jwtAuthenticator, type JwtIssuerConfig } from '../../services/api/jwt';
import { PageTokens } from '../../services/api/page-token';
import { DynamoDbRateLimiter, NO_RATE_LIMIT, RATE_LIMIT_TABLE } from '../../services/api/rate-limit';
import { portsFor } from '../../services/ports/registry';

export interface LocalApiSettings {
  /** Webhook secrets live here (one 0600 file each). */
  readonly secretsDir: string;
  /** ≥ 32 characters: seals pagination tokens. */
  readonly pageTokenSecret: string;
  /** Per user; null: no limit. Default 600. */
  readonly requestsPerMinute?: number | null;
  readonly admins?: readonly string[];
  readonly jwt?: JwtIssuerConfig | null;
  readonly githubWebhookSecret?: string | null;
  /** Seconds an authenticated API key is remembered (a revoked key works that long in this process). Default 0. */
  readonly apiKeyCacheTtlSeconds?: number;
}

export function apiDepsForPlatform(platform: Platform, settings: LocalApiSettings): ApiDeps {
  mkdirSync(settings.secretsDir, { recursive: true, mode: 0o700 });
  const ports = portsFor(API_PORTS, platform.registry);
  const requestsPerMinute = settings.requestsPerMinute === undefined ? 600 : settings.requestsPerMinute;
  return {
    store: ports.store,
    now: ports.now,
    blobs: ports.blobs,
    taskViews: ports.taskViews,
    progressViews: ports.progressViews,
    progressEvents: ports.progressEvents,
    credentials: createCredentials({
      store: ports.store,
      secrets: new FileSecretStore(settings.secretsDir),
      views: ports.credentialsViews,
      apiKeyCacheTtlSeconds: settings.apiKeyCacheTtlSeconds ?? 0,
    }),
    jwt: settings.jwt ? jwtAuthenticator(settings.jwt) : null,
    pageTokens: new PageTokens(settings.pageTokenSecret),
    rateLimiter:
      requestsPerMinute === null
        ? NO_RATE_LIMIT
        : new DynamoDbRateLimiter({ client: platform.dynamo, tableName: tableName(RATE_LIMIT_TABLE, platform.tablePrefix), requestsPerMinute }),
    admins: new Set(settings.admins ?? []),
    githubWebhookSecret: settings.githubWebhookSecret ? fixedSecret(settings.githubWebhookSecret) : null,
    logger: createLogger('task-api'),
  };
}
