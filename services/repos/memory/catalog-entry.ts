/** The memory service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { createMemoryService, MEMORY_EVENT_TYPES, MEMORY_PORTS } from './service';

export const memoryEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'memory',
  description: "Writes each finished task's episode (what was asked, how it ended) to the repository's memory, recalled into later prompts.",
  pattern: taskEvents(...MEMORY_EVENT_TYPES),
  emits: [],
  ports: MEMORY_PORTS,
  create: createMemoryService,
  lambdaEntry: 'services/repos/memory/handler.ts',
});
