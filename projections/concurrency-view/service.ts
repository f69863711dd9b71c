/**
 * The concurrency-view projector (catalog entry `concurrency-view`): every User event → the user's
 * ConcurrencyView. The store comes from `deps.extras.concurrencyViews` (see ../view-stores.ts) unless given.
 */
import type { ServiceDeps } from '../../services/deps';
import type { ServiceHandlers } from '../../services/kernel/consumer';
import type { ApplyOptions } from '../apply';
import type { ProjectionStore } from '../projection';
import { createProjector } from '../projector';
import { concurrencyViewsOf } from '../view-stores';
import type { ConcurrencyView } from './concurrency-view';
import { concurrencyViewProjection } from './concurrency-view-projection';

export function createConcurrencyViewProjector(deps: ServiceDeps, store?: ProjectionStore<ConcurrencyView>, options?: ApplyOptions): ServiceHandlers {
  return createProjector(concurrencyViewProjection, deps, store ?? concurrencyViewsOf(deps), options);
}
