/**
 * The memory service: a terminal task event → the task's episode in the MemoryStore (task-episode.ts),
 * recalled into later prompts of the same repository by hydration. Idempotent: the episode's id and
 * time come from the task's stream, so a re-delivered event rewrites the same item. Without a
 * MemoryStore (the `memory` port) there is nothing to write.
 */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { PortsOf } from '../../ports/ports';
import { loadAggregate } from '../../kernel/load-aggregate';
import { taskDecider } from '../../tasks/task/task-decider';
import { taskStream } from '../../streams';
import { TERMINAL_EVENT_STATUS } from '../../tasks/task/task-state';
import { taskEpisode } from './task-episode';

export const MEMORY_EVENT_TYPES = Object.keys(TERMINAL_EVENT_STATUS) as ReadonlyArray<keyof typeof TERMINAL_EVENT_STATUS>;

export const MEMORY_PORTS = ['store', 'memory'] as const;
export type MemoryPorts = PortsOf<typeof MEMORY_PORTS>;

export function createMemoryService(deps: MemoryPorts): ServiceHandlers {
  const { memory } = deps;
  return {
    async onEvent(event, ctx) {
      if (!(MEMORY_EVENT_TYPES as readonly string[]).includes(event.type)) return;
      if (!memory) {
        ctx.logger.debug('no memory store: episode not kept', { taskId: event.stream.id });
        return;
      }
      const task = await loadAggregate(deps.store, taskStream(event.stream.id), taskDecider);
      const episode = task.status === null ? null : taskEpisode(task);
      if (!episode) {
        ctx.logger.warn('terminal event but the task has no outcome; no episode', { taskId: event.stream.id, eventType: event.type });
        return;
      }
      await memory.write(episode);
      ctx.logger.info('memory episode written', { taskId: episode.taskId, repo: episode.repo, chars: episode.text.length });
    },
  };
}
