import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Ports } from '../services/ports/ports';
import { createConcurrencyViewProjector } from './concurrency-view/service';
import { createTaskViewProjector } from './task-view/service';
import { concurrencyViewsOf, createViewStores, taskViewsOf } from './view-stores';

/** Ports as an untyped caller might pass them (the projectors check what the types cannot). */
const portsWith = (ports: Record<string, unknown>) => ports as unknown as Ports;

test('createViewStores: DynamoDB stores on the tables of the prefix', () => {
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const stores = createViewStores({ client, prefix: 'p1' });
  expect(stores.taskViews.tableName).toBe('p1-task-view');
  expect(stores.concurrencyViews.tableName).toBe('p1-concurrency-view');
  expect(stores.credentialsViews.tableName).toBe('p1-credentials-view');
  expect(taskViewsOf({ ...stores })).toBe(stores.taskViews);
  expect(concurrencyViewsOf({ ...stores })).toBe(stores.concurrencyViews);
  client.destroy();
});

test('a missing store is explained', () => {
  expect(() => taskViewsOf({})).toThrow(/the taskViews port is missing.*createViewStores/);
  expect(() => createConcurrencyViewProjector(portsWith({}))).toThrow(/the concurrencyViews port is missing/);
});

test('a read-only store (no load/save/replace) is refused by the projector, with what it lacks', () => {
  const readOnly = { get: async () => undefined, listByUser: async () => ({ items: [] }), listByStatus: async () => ({ items: [] }) };
  expect(() => createTaskViewProjector(portsWith({ taskViews: readOnly }))).toThrow(/lacks load, save, replace/);
});
