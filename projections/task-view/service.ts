/**
 * The task-view projector (catalog entry `task-view`): every Task event → the task's TaskView.
 * The store comes from `deps.extras.taskViews` (see ../view-stores.ts) unless given.
 */
import type { ServiceDeps } from '../../services/deps';
import type { ServiceHandlers } from '../../services/kernel/consumer';
import type { ApplyOptions } from '../apply';
import type { ProjectionStore } from '../projection';
import { createProjector } from '../projector';
import { taskViewsOf } from '../view-stores';
import type { TaskView } from './task-view';
import { taskViewProjection } from './task-view-projection';

export function createTaskViewProjector(deps: ServiceDeps, store?: ProjectionStore<TaskView>, options?: ApplyOptions): ServiceHandlers {
  return createProjector(taskViewProjection, deps, store ?? taskViewsOf(deps), options);
}
