import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ServiceDeps } from '../services/deps';
import { createConcurrencyViewProjector } from './concurrency-view/service';
import { createTaskViewProjector } from './task-view/service';
import { concurrencyViewsOf, createViewStores, taskViewsOf } from './view-stores';

const depsWith = (extras: Record<string, unknown>) => ({ extras }) as unknown as ServiceDeps;

test('createViewStores: DynamoDB stores on the tables of the prefix', () => {
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const stores = createViewStores({ client, prefix: 'p1' });
  expect(stores.taskViews.tableName).toBe('p1-task-view');
  expect(stores.concurrencyViews.tableName).toBe('p1-concurrency-view');
  expect(stores.credentialsViews.tableName).toBe('p1-credentials-view');
  expect(taskViewsOf(depsWith({ ...stores }))).toBe(stores.taskViews);
  expect(concurrencyViewsOf(depsWith({ ...stores }))).toBe(stores.concurrencyViews);
  client.destroy();
});

test('a missing store is explained', () => {
  expect(() => taskViewsOf(depsWith({}))).toThrow(/deps\.extras\.taskViews is missing.*createViewStores/);
  expect(() => createConcurrencyViewProjector(depsWith({}))).toThrow(/deps\.extras\.concurrencyViews is missing/);
});

test('a read-only store (no load/save/replace) is refused by the projector, with what it lacks', () => {
  const readOnly = { get: async () => undefined, listByUser: async () => ({ items: [] }), listByStatus: async () => ({ items: [] }) };
  expect(() => createTaskViewProjector(depsWith({ taskViews: readOnly }))).toThrow(/lacks load, save, replace/);
});
