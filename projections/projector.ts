/**
 * A projection as a catalog service: each delivered event is applied to its view (apply.ts). The
 * projector is idempotent by construction (duplicates are recognised by sequence), so it needs no
 * idempotency records, and the order of deliveries does not matter (gaps are read from the store).
 */
import type { Ports } from '../services/ports/ports';
import type { ServiceHandlers } from '../services/kernel/consumer';
import type { EventType } from '../services/kernel/envelope';
import { applyEvent, type ApplyOptions } from './apply';
import type { ProjectedView, Projection, ProjectionStore } from './projection';

export function createProjector<V extends ProjectedView, E extends EventType>(
  projection: Projection<V, E>,
  deps: Pick<Ports, 'store'>,
  views: ProjectionStore<V>,
  options: ApplyOptions = {},
): ServiceHandlers {
  return {
    async onEvent(event, ctx) {
      const outcome = await applyEvent(projection, views, deps.store, event, options);
      const where = { projection: projection.name, stream: `${event.stream.type}#${event.stream.id}`, sequence: event.sequence };
      switch (outcome.status) {
        case 'applied':
          if (outcome.eventsFolded > 1) ctx.logger.info('view caught up from the event store (events arrived out of order)', { ...where, ...outcome });
          else ctx.logger.debug('view updated', { ...where, ...outcome });
          break;
        case 'no-view':
          ctx.logger.warn('the stream folds to no view (does it start with its creating event?); nothing stored', { ...where, ...outcome });
          break;
        case 'duplicate':
        case 'ignored':
          ctx.logger.debug(`event ${outcome.status}`, { ...where, ...outcome });
          break;
      }
    },
  };
}
