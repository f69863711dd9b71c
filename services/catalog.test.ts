/** The catalog lists the entries that live beside their consumers; their permissions follow from their ports. */
import path from 'node:path';
import { capabilitiesOfEntry, CATALOG, catalogEntry, lambdaFunctionsOf, QUEUE_ENTRIES, serviceEntry } from './catalog';

test('one entry per name, each beside its consumer and its Lambda entries', () => {
  expect(new Set(CATALOG.map((e) => e.name)).size).toBe(CATALOG.length);
  for (const entry of QUEUE_ENTRIES) expect([entry.name, path.basename(entry.lambdaEntry)]).toEqual([entry.name, 'handler.ts']);
  for (const entry of CATALOG) {
    for (const fn of lambdaFunctionsOf(entry)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const beside = require(path.join(__dirname, '..', path.dirname(fn.lambdaEntry), 'catalog-entry')) as Record<string, unknown>;
      expect([entry.name, Object.values(beside).includes(entry)]).toEqual([entry.name, true]);
    }
  }
  expect(() => catalogEntry('nope')).toThrow(/no consumer "nope" in the catalog \(known: api, publisher, admission, /);
  expect(() => serviceEntry('publisher')).toThrow('"publisher" is a stream entry of the catalog, not a service behind a queue');
});

test('every kind of consumer is in it: services and projections, the publisher, the session monitor, the notifier, the task-event log, Blueprint, the API', () => {
  expect(Object.fromEntries(CATALOG.map((e) => [e.name, e.kind]))).toEqual({
    api: 'http',
    publisher: 'stream',
    admission: 'queue',
    hydration: 'queue',
    session: 'queue',
    finalizer: 'queue',
    cancellation: 'queue',
    'nudge-delivery': 'queue',
    watchdog: 'queue',
    memory: 'queue',
    'task-view': 'queue',
    'concurrency-view': 'queue',
    'credentials-view': 'queue',
    'session-monitor': 'kinesis',
    notifier: 'rule-target',
    'task-event-log': 'rule-target',
    blueprint: 'custom-resource',
  });
});

test("each function's capabilities, derived from its ports", () => {
  expect(Object.fromEntries(CATALOG.map((e) => [e.name, capabilitiesOfEntry(e)]))).toEqual({
    api: ['blobs'],
    publisher: ['bus'],
    admission: [],
    hydration: ['git', 'blobs', 'memory', 'screening'],
    session: ['compute', 'scheduler'],
    finalizer: ['scheduler', 'git'],
    cancellation: ['compute', 'scheduler'],
    'nudge-delivery': ['blobs'],
    // It re-drives stuck tasks by running their step itself.
    watchdog: ['compute', 'scheduler', 'git', 'blobs', 'memory', 'screening'],
    memory: ['memory'],
    'task-view': [],
    'concurrency-view': [],
    'credentials-view': [],
    'session-monitor': [],
    notifier: [],
    'task-event-log': [],
    blueprint: [],
  });
});

test('no entry lists idempotencyFor: the consumer runtime adds it unless the entry is idempotent by construction', () => {
  for (const entry of QUEUE_ENTRIES) expect([entry.name, (entry.ports as readonly string[]).includes('idempotencyFor')]).toEqual([entry.name, false]);
});
