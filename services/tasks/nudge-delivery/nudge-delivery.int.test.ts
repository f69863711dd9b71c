/**
 * The nudge-delivery service against DynamoDB Local and a real blob folder: NudgeReceived events
 * from the event store become files in the task's inbox, which the agent's file inbox reads back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FileNudgeInbox } from '../../../agent/adapters/file-nudge-inbox';
import { createHarness, type Harness } from '../../adapters/testing/lifecycle-harness';
import { serviceEntry } from '../../catalog';
import { handleCommand } from '../../kernel/command-handler';
import type { EventEnvelope } from '../../kernel/envelope';
import { sessionIdFor } from '../session/start-session';
import { taskDecider } from '../task/task-decider';
import { nudgeInboxRef } from './inbox';
import { createNudgeDeliveryService } from './service';

let h: Harness;
afterEach(async () => h?.dispose());

async function nudge(taskId: string, nudgeId: string, message: string): Promise<EventEnvelope<'NudgeReceived'>> {
  await handleCommand(h.store, taskDecider, { type: 'Task', id: taskId }, { type: 'Nudge', nudgeId, message, nudgedBy: 'user:user-1' }, { correlationId: taskId, causationId: `api:${nudgeId}`, actor: 'user:user-1', now: h.clock.now() });
  return (await h.events(taskId)).filter((e): e is EventEnvelope<'NudgeReceived'> => e.type === 'NudgeReceived').at(-1)!;
}

const inboxFiles = (taskId: string): string[] => {
  try {
    return readdirSync(path.join(h.blobs.root, 'nudges', taskId)).sort();
  } catch {
    return [];
  }
};

test('a nudge to a RUNNING task lands in its inbox as {nudgeId, message, at}, named by stream sequence and event id', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await h.submit();
  await h.pump();
  expect((await h.task(taskId)).status).toBe('RUNNING');
  const service = createNudgeDeliveryService(h.deps);

  const event = await nudge(taskId, 'n-1', 'Use pnpm, not npm');
  await service.onEvent!(event, h.ctx);

  expect(event.data).toMatchObject({ sessionId: sessionIdFor(taskId) });
  const name = `${String(event.sequence).padStart(10, '0')}-${event.id}.json`;
  expect(inboxFiles(taskId)).toEqual([name]);
  expect(JSON.parse(readFileSync(path.join(h.blobs.root, 'nudges', taskId, name), 'utf8'))).toEqual({ nudgeId: 'n-1', message: 'Use pnpm, not npm', at: event.occurredAt });
});

test('redelivery rewrites the same file with the same bytes; the agent reads every nudge once, in order', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await h.submit(); // nudged before it runs: the agent reads these when it starts
  const service = createNudgeDeliveryService(h.deps);
  const inbox = new FileNudgeInbox(nudgeInboxRef(h.blobs, taskId));
  expect(inbox.drain()).toEqual([]); // no inbox folder yet

  const first = await nudge(taskId, 'n-1', 'first');
  const second = await nudge(taskId, 'n-2', 'second');
  await service.onEvent!(second, h.ctx); // delivered out of order, as the bus may
  await service.onEvent!(first, h.ctx);
  const files = inboxFiles(taskId);
  const bytes = files.map((f) => readFileSync(path.join(h.blobs.root, 'nudges', taskId, f), 'utf8'));

  await service.onEvent!(first, h.ctx);
  await service.onEvent!(second, h.ctx);

  expect(inboxFiles(taskId)).toEqual(files);
  expect(files.map((f) => readFileSync(path.join(h.blobs.root, 'nudges', taskId, f), 'utf8'))).toEqual(bytes);
  expect(inbox.drain()).toEqual(['first', 'second']);
  expect(inbox.drain()).toEqual([]);
});

test('a repeated nudge id records nothing and writes nothing more; other events are ignored', async () => {
  h = await createHarness();
  await h.onboard();
  const taskId = await h.submit();
  const service = createNudgeDeliveryService(h.deps);
  await service.onEvent!(await nudge(taskId, 'n-1', 'once'), h.ctx);
  const before = await h.events(taskId);

  expect((await nudge(taskId, 'n-1', 'once, retried by the client')).data.message).toBe('once');
  await service.onEvent!(before[0]!, h.ctx); // TaskSubmitted: not for this service

  expect(await h.events(taskId)).toEqual(before);
  expect(inboxFiles(taskId)).toHaveLength(1);
});

test('the catalog routes NudgeReceived of abca.task to it, with no idempotency records (idempotent by construction)', () => {
  const entry = serviceEntry('nudge-delivery');
  expect(entry.pattern).toEqual({ source: ['abca.task'], 'detail-type': ['NudgeReceived'] });
  expect(entry.idempotentByConstruction).toBe(true);
  expect(entry.create).toBe(createNudgeDeliveryService);
});
