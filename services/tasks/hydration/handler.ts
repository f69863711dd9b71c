/**
 * Lambda entry of the hydration service (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudBlobs } from '../../cloud/ports/blobs';
import { cloudMemory, cloudStore } from '../../cloud/ports/dynamodb';
import { cloudGit } from '../../cloud/ports/git';
import { cloudIdempotency } from '../../cloud/ports/idempotency';
import { cloudScreening } from '../../cloud/ports/screening';
import { cloudContextSource, cloudNow } from '../../cloud/ports/settings';
import { lambdaHandler } from '../../cloud/lambda-handler';
import { hydrationEntry } from './catalog-entry';

export const handler = lambdaHandler(hydrationEntry, {
  store: cloudStore,
  now: cloudNow,
  git: cloudGit,
  blobs: cloudBlobs,
  memory: cloudMemory,
  screening: cloudScreening,
  contextSource: cloudContextSource,
  idempotencyFor: cloudIdempotency,
});
