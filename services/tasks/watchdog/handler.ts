/**
 * Lambda entry of the watchdog service (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudBlobs } from '../../cloud/ports/blobs';
import { cloudCompute } from '../../cloud/ports/compute';
import { cloudConcurrencyViews, cloudHeartbeats, cloudMemory, cloudStore, cloudTaskViews } from '../../cloud/ports/dynamodb';
import { cloudGit } from '../../cloud/ports/git';
import { cloudIdempotency } from '../../cloud/ports/idempotency';
import { cloudScheduler } from '../../cloud/ports/scheduler';
import { cloudScreening } from '../../cloud/ports/screening';
import { cloudAdmission, cloudContextSource, cloudNow, cloudWatchdogConfig } from '../../cloud/ports/settings';
import { lambdaHandler } from '../../cloud/lambda-handler';
import { watchdogEntry } from './catalog-entry';

export const handler = lambdaHandler(watchdogEntry, {
  store: cloudStore,
  now: cloudNow,
  admission: cloudAdmission,
  compute: cloudCompute,
  scheduler: cloudScheduler,
  git: cloudGit,
  blobs: cloudBlobs,
  memory: cloudMemory,
  screening: cloudScreening,
  contextSource: cloudContextSource,
  taskViews: cloudTaskViews,
  concurrencyViews: cloudConcurrencyViews,
  heartbeats: cloudHeartbeats,
  watchdogConfig: cloudWatchdogConfig,
  idempotencyFor: cloudIdempotency,
});
