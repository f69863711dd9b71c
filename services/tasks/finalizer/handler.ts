/**
 * Lambda entry of the finalizer service (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudStore } from '../../cloud/ports/dynamodb';
import { cloudGit } from '../../cloud/ports/git';
import { cloudIdempotency } from '../../cloud/ports/idempotency';
import { cloudScheduler } from '../../cloud/ports/scheduler';
import { cloudNow } from '../../cloud/ports/settings';
import { lambdaHandler } from '../../cloud/lambda-handler';
import { finalizerEntry } from './catalog-entry';

export const handler = lambdaHandler(finalizerEntry, {
  store: cloudStore,
  now: cloudNow,
  git: cloudGit,
  scheduler: cloudScheduler,
  idempotencyFor: cloudIdempotency,
});
