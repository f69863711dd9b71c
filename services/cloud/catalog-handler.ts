/**
 * The Lambda handler of a catalog service (rule → SQS → Lambda): the service's deps are built from
 * the environment once per cold start, and the consumer runtime (services/kernel/consumer.ts) turns
 * each SQS batch into events for the service and answers the partial batch failures
 * (ReportBatchItemFailures), exactly as the embedded platform invokes it (local/platform/wire-catalog.ts).
 *
 *   // services/<name>/handler.ts
 *   export const handler = catalogHandler('<name>');
 */
import { catalogEntry } from '../catalog';
import { createSqsConsumer, type SqsBatchHandler } from '../kernel/consumer';
import type { Env } from './env';
import { serviceDepsFromEnv, type CloudOverrides } from './deps-from-env';

export function catalogHandler(name: string, env: Env = process.env, overrides: CloudOverrides = {}): SqsBatchHandler {
  const entry = catalogEntry(name);
  const deps = serviceDepsFromEnv(env, `the ${name} service`, overrides);
  return createSqsConsumer({
    name: entry.name,
    handlers: entry.create(deps),
    idempotency: entry.idempotentByConstruction ? undefined : deps.idempotencyFor?.(entry.name),
    ordered: entry.ordered,
  });
}
