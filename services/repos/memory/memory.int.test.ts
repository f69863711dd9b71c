/**
 * The memory service against DynamoDB Local: a finished task's episode lands in the repository's
 * memory (and is recalled for a similar later task), once per task however often the event comes;
 * failed tasks are remembered with their reason.
 */
import { createHarness, REPO, type Harness } from '../../adapters/testing/lifecycle-harness';
import { DynamoMemoryStore } from '../../adapters/memory/dynamo-memory-store';
import { MEMORY_TABLE, MEMORY_TABLES } from '../../adapters/memory/tables';
import { createIsolatedTables, type IsolatedTables } from '../../../test/support/dynamo';
import { createMemoryService } from './service';
import { episodeId } from './task-episode';

let h: Harness;
let tables: IsolatedTables;
let memory: DynamoMemoryStore;

beforeAll(async () => {
  tables = await createIsolatedTables(MEMORY_TABLES, 'mems');
});
afterAll(async () => tables?.drop());
afterEach(async () => h?.dispose());

async function setUp(script: Parameters<typeof createHarness>[0]) {
  memory = new DynamoMemoryStore({ client: tables.client, tableName: tables.name(MEMORY_TABLE) });
  h = await createHarness({ ...script, ports: { memory } });
  await h.onboard();
}

test('a completed task is remembered once, and recalled for a similar task of the repository', async () => {
  await setUp({ compute: { script: () => ({ outcome: 'success', commits: 2, turns: 4, costUsd: 0.25, buildPassed: true, lintPassed: null }) } });
  const taskId = await h.submit({ description: 'Add pagination to the orders endpoint' });
  await h.settle();
  expect((await h.task(taskId)).status).toBe('COMPLETED');
  const terminal = await h.last(taskId, 'TaskCompleted');
  const service = createMemoryService(h.deps);

  await service.onEvent!(terminal, h.ctx);
  await service.onEvent!(terminal, h.ctx); // a re-delivery writes the same item

  const items = await memory.recall(REPO, 'pagination for the orders list', { maxTokens: 2_000 });
  expect(items.map((i) => i.id)).toEqual([episodeId(taskId)]);
  expect(items[0]!.text).toContain('Task: Add pagination to the orders endpoint');
  expect(items[0]!.text).toMatch(/Outcome: completed with pull request \S+/);
  expect(items[0]!.text).toContain('Verification: build passed.');
  expect(items[0]!.text).toContain('4 turns, 2 commits, $0.25.');
});

test('a failed task is remembered with its reason; a non-terminal event writes nothing', async () => {
  await setUp({ compute: { script: () => ({ outcome: 'success', commits: 0 }) } });
  const taskId = await h.submit({ description: 'Rename the config loader' });
  await h.settle();
  const service = createMemoryService(h.deps);
  await service.onEvent!(await h.last(taskId, 'TaskSubmitted'), h.ctx);
  expect(await memory.recall(REPO, 'config loader', { maxTokens: 2_000 })).toEqual([]);

  await service.onEvent!(await h.last(taskId, 'TaskFailed'), h.ctx);

  const [item] = await memory.recall(REPO, 'config loader', { maxTokens: 2_000 });
  expect(item!.text).toContain('Outcome: failed (NO_CHANGES)');
});
