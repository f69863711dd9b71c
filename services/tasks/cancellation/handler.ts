/**
 * Lambda entry of the cancellation service (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudCompute } from '../../cloud/ports/compute';
import { cloudStore } from '../../cloud/ports/dynamodb';
import { cloudIdempotency } from '../../cloud/ports/idempotency';
import { cloudScheduler } from '../../cloud/ports/scheduler';
import { cloudNow } from '../../cloud/ports/settings';
import { lambdaHandler } from '../../cloud/lambda-handler';
import { cancellationEntry } from './catalog-entry';

export const handler = lambdaHandler(cancellationEntry, {
  store: cloudStore,
  now: cloudNow,
  compute: cloudCompute,
  scheduler: cloudScheduler,
  idempotencyFor: cloudIdempotency,
});
