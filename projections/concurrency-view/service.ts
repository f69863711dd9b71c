/**
 * The concurrency-view projector (catalog entry `concurrency-view`): every User event → the user's
 * ConcurrencyView. The store comes from the `concurrencyViews` port (see ../view-stores.ts) unless given.
 */
import type { Ports, PortsOf } from '../../services/ports/ports';
import type { ServiceHandlers } from '../../services/kernel/consumer';
import type { ApplyOptions } from '../apply';
import type { ProjectionStore } from '../projection';
import { createProjector } from '../projector';
import { concurrencyViewsOf } from '../view-stores';
import type { ConcurrencyView } from './concurrency-view';
import { concurrencyViewProjection } from './concurrency-view-projection';

export const CONCURRENCY_VIEW_PORTS = ['store', 'concurrencyViews'] as const;

export function createConcurrencyViewProjector(
  deps: Omit<PortsOf<typeof CONCURRENCY_VIEW_PORTS>, 'concurrencyViews'> & Partial<Pick<Ports, 'concurrencyViews'>>,
  store?: ProjectionStore<ConcurrencyView>,
  options?: ApplyOptions,
): ServiceHandlers {
  return createProjector(concurrencyViewProjection, deps, store ?? concurrencyViewsOf(deps), options);
}
