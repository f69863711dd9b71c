/**
 * Every cloud factory: the whole cloud registry, for tests and tools that want any port. A Lambda
 * handler imports its own factories instead, so its bundle leaves the others out.
 */
import type { PortName } from '../../ports/ports';
import type { CloudPortFactories } from '../cloud-ports';
import { cloudBlobs } from './blobs';
import { cloudBus } from './bus';
import { cloudCompute } from './compute';
import { cloudConcurrencyViews, cloudCredentialsViews, cloudHeartbeats, cloudMemory, cloudProgressEvents, cloudProgressViews, cloudStore, cloudTaskViews } from './dynamodb';
import { cloudGit } from './git';
import { cloudIdempotency } from './idempotency';
import { cloudScheduler } from './scheduler';
import { cloudScreening } from './screening';
import { cloudAdmission, cloudContextSource, cloudNow, cloudWatchdogConfig } from './settings';

export const CLOUD_PORTS: CloudPortFactories<PortName> = {
  store: cloudStore,
  bus: cloudBus,
  now: cloudNow,
  admission: cloudAdmission,
  compute: cloudCompute,
  scheduler: cloudScheduler,
  git: cloudGit,
  blobs: cloudBlobs,
  idempotencyFor: cloudIdempotency,
  memory: cloudMemory,
  screening: cloudScreening,
  contextSource: cloudContextSource,
  taskViews: cloudTaskViews,
  concurrencyViews: cloudConcurrencyViews,
  credentialsViews: cloudCredentialsViews,
  progressViews: cloudProgressViews,
  progressEvents: cloudProgressEvents,
  heartbeats: cloudHeartbeats,
  watchdogConfig: cloudWatchdogConfig,
};
