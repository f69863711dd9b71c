/** The watchdog's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS } from '../../catalog-entry';
import { DEADLINE_DETAIL_TYPE, DEADLINE_SOURCE } from '../session/deadline';
import { WATCHDOG_PORTS } from './actions';
import { createWatchdogService, SWEEP_DETAIL_TYPE, SWEEP_SOURCE } from './service';

export const watchdogEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'watchdog',
  description: 'Session deadlines, stranded tasks per state, queue maximum age: re-drives what it can, fails what it must.',
  pattern: { $or: [{ source: [DEADLINE_SOURCE], 'detail-type': [DEADLINE_DETAIL_TYPE] }, { source: [SWEEP_SOURCE], 'detail-type': [SWEEP_DETAIL_TYPE] }] },
  schedule: 'rate(1 minute)',
  // Its own verdicts (TaskTimedOut, TaskFailed) and those of the steps it re-drives.
  emits: ['TaskTimedOut', 'TaskFailed', 'SlotAcquired', 'TaskAdmitted', 'TaskEnqueued', 'TaskQueued', 'SlotReleased', 'TaskDequeued', 'ContextHydrated', 'HydrationFailed', 'SessionStarted', 'TaskCompleted', 'TaskCancelled'],
  // It re-drives stuck tasks by running their step itself (hydration, session start, finalizer): their ports are its ports.
  ports: WATCHDOG_PORTS,
  create: (ports) => createWatchdogService(ports),
  lambdaEntry: 'services/tasks/watchdog/handler.ts',
  timeoutSeconds: 300,
  batchSize: 1,
  reservedConcurrency: 1,
});
