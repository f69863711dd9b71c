/** The task-view projection's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS } from '../../services/catalog-entry';
import { createTaskViewProjector, TASK_VIEW_PORTS } from './service';

export const taskViewEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'task-view',
  description: 'Projection: the task view (GET /tasks, GET /tasks/{id}).',
  pattern: { source: ['abca.task'] },
  emits: [],
  ports: TASK_VIEW_PORTS,
  create: (ports) => createTaskViewProjector(ports),
  lambdaEntry: 'projections/task-view/handler.ts',
  batchSize: 25,
  idempotentByConstruction: true,
});
