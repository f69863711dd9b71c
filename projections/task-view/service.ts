/**
 * The task-view projector (catalog entry `task-view`): every Task event → the task's TaskView.
 * The store comes from the `taskViews` port (see ../view-stores.ts) unless given.
 */
import type { Ports, PortsOf } from '../../services/ports/ports';
import type { ServiceHandlers } from '../../services/kernel/consumer';
import type { ApplyOptions } from '../apply';
import type { ProjectionStore } from '../projection';
import { createProjector } from '../projector';
import { taskViewsOf } from '../view-stores';
import type { TaskView } from './task-view';
import { taskViewProjection } from './task-view-projection';

export const TASK_VIEW_PORTS = ['store', 'taskViews'] as const;

export function createTaskViewProjector(
  deps: Omit<PortsOf<typeof TASK_VIEW_PORTS>, 'taskViews'> & Partial<Pick<Ports, 'taskViews'>>,
  store?: ProjectionStore<TaskView>,
  options?: ApplyOptions,
): ServiceHandlers {
  return createProjector(taskViewProjection, deps, store ?? taskViewsOf(deps), options);
}
