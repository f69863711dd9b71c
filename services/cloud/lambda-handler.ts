/**
 * The Lambda handler of a catalog service (rule → SQS → Lambda): its ports are built from the
 * environment once per cold start, through the cloud registry (./cloud-ports.ts), and the consumer
 * runtime (services/kernel/consumer.ts) turns each SQS batch into events for the service and
 * answers the partial batch failures (ReportBatchItemFailures), exactly as the embedded platform
 * invokes it (local/platform/wire-catalog.ts).
 *
 *   // services/users/admission/handler.ts
 *   export const handler = lambdaHandler(admissionEntry, { store: cloudStore, now: cloudNow, admission: cloudAdmission, idempotencyFor: cloudIdempotency });
 *
 * A handler imports its own entry and names the cloud factories of its ports (TypeScript checks
 * that it names every one), never the whole catalog or registry: its bundle holds its service and
 * the SDK clients of its ports, nothing else. It needs only its ports' variables; every missing one
 * is named in one error. Each invocation is traced (X-Ray in Lambda) and ends by flushing the
 * metrics the service recorded (./instrument.ts).
 */
import { entryConsumer, type QueueEntry } from '../catalog-entry';
import type { SqsBatchHandler } from '../kernel/consumer';
import type { PortName } from '../ports/ports';
import { cloudRegistry, type CloudOverrides, type CloudPortFactories } from './cloud-ports';
import type { Env } from './env';
import { instrumented } from './instrument';

export function lambdaHandler<P extends PortName>(
  entry: QueueEntry<P>,
  factories: CloudPortFactories<NoInfer<P>> & Partial<CloudPortFactories<'idempotencyFor'>>,
  env: Env = process.env,
  overrides: CloudOverrides = {},
): SqsBatchHandler {
  const registry = cloudRegistry<P>(factories, env, `the ${entry.name} service`, overrides);
  const idempotencyFor = factories.idempotencyFor;
  let consumer: SqsBatchHandler | undefined;
  let failure: unknown;
  try {
    consumer = entryConsumer(entry, { ...registry.factories, ...(idempotencyFor ? { idempotencyFor: registry.bind(idempotencyFor) } : {}) });
  } catch (err) {
    failure = err;
  }
  registry.check(); // every missing variable of every port first
  if (!consumer) throw failure;
  return instrumented(entry.name, consumer);
}
