/** The catalog lists the entries that live beside their services; their permissions follow from their ports. */
import path from 'node:path';
import { capabilitiesOfEntry, CATALOG, catalogEntry } from './catalog';

test('one entry per name, each beside its service and its Lambda entry', () => {
  expect(new Set(CATALOG.map((e) => e.name)).size).toBe(CATALOG.length);
  for (const entry of CATALOG) {
    expect([entry.name, path.basename(entry.lambdaEntry)]).toEqual([entry.name, 'handler.ts']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const beside = require(path.join(__dirname, '..', path.dirname(entry.lambdaEntry), 'catalog-entry')) as Record<string, unknown>;
    expect(Object.values(beside)).toContain(entry);
  }
  expect(() => catalogEntry('nope')).toThrow(/no service "nope" in the catalog \(known: admission, /);
});

test("each function's capabilities, derived from its ports", () => {
  expect(Object.fromEntries(CATALOG.map((e) => [e.name, capabilitiesOfEntry(e)]))).toEqual({
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
  });
});

test('no entry lists idempotencyFor: the consumer runtime adds it unless the entry is idempotent by construction', () => {
  for (const entry of CATALOG) expect([entry.name, (entry.ports as readonly string[]).includes('idempotencyFor')]).toEqual([entry.name, false]);
});
