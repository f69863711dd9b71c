import type { StreamRef } from '../services/kernel/envelope';
import { taskDecider } from '../services/tasks/task/task-decider';
import { userDecider } from '../services/users/user/user-decider';
import { foldView } from './projection';
import { rebuildProjection, type RebuildProgress } from './rebuild';
import { InMemoryEventLog, InMemoryViewStore } from './testing/in-memory';
import { envelopes, happyPath, history, submit, timed } from './testing/histories';
import type { TaskView } from './task-view/task-view';
import { taskViewProjection } from './task-view/task-view-projection';

const taskStream = (id: string): StreamRef => ({ type: 'Task', id });

function log(tasks: number): InMemoryEventLog {
  const out = new InMemoryEventLog();
  for (let i = 0; i < tasks; i++) {
    const id = `t${i}`;
    out.add(...history(taskDecider, taskStream(id), timed([submit(id, 'u1'), ...happyPath(id).slice(0, i % 6)])));
  }
  // Streams of another type are not touched.
  out.add(...history(userDecider, { type: 'User', id: 'u1' }, timed([{ type: 'RequestAdmission', taskId: 't0', cap: 3 }])));
  return out;
}

test('folds every stream of its type and writes each view; progress every N streams and at the end', async () => {
  const events = log(25);
  const views = new InMemoryViewStore<TaskView>();
  const progress: RebuildProgress[] = [];
  const report = await rebuildProjection({ projection: taskViewProjection, events, views, progressEvery: 10, concurrency: 3, onProgress: (p) => progress.push(p) });
  expect(report).toMatchObject({ projection: 'task-view', streams: 25, written: 25, stale: 0, empty: 0, failed: [], events: events.events.length - 1 });
  expect(progress.map((p) => p.streams)).toEqual([10, 20, 25]);
  for (let i = 0; i < 25; i++) {
    expect(views.items.get(`t${i}`)).toEqual(foldView(taskViewProjection, `t${i}`, await events.readStream(taskStream(`t${i}`))).view);
  }
});

test('overwrites views at the same or an earlier position (a changed evolve is applied)', async () => {
  const events = log(3);
  const views = new InMemoryViewStore<TaskView>();
  await rebuildProjection({ projection: taskViewProjection, events, views });
  const t2 = views.items.get('t2')!;
  views.items.set('t2', { ...t2, repo: 'wrong/stale' });
  views.items.delete('t1');
  const report = await rebuildProjection({ projection: taskViewProjection, events, views });
  expect(report.written).toBe(3);
  expect(views.items.get('t2')).toEqual(t2);
  expect(views.items.get('t1')?.taskId).toBe('t1');
});

test('a view a live apply moved further along meanwhile: read again and retried; stale when it never catches up', async () => {
  const events = log(3);
  const views = new InMemoryViewStore<TaskView>();
  // A live apply lands event 3 of t2 right after the rebuild read only 2 events of it.
  const full = await events.readStream(taskStream('t2'));
  const hidden = full.pop()!;
  events.events.splice(events.events.indexOf(hidden), 1);
  let landed = false;
  views.beforeWrite = (id) => {
    if (id === 't2' && !landed) {
      landed = true;
      events.add(hidden);
      views.items.set('t2', foldView(taskViewProjection, 't2', full.concat(hidden)).view!);
    }
  };
  const report = await rebuildProjection({ projection: taskViewProjection, events, views });
  expect(report).toMatchObject({ written: 3, stale: 0 });
  expect(views.items.get('t2')?.lastSequence).toBe(3);

  // Always behind: reported stale, the stored view is left as it is.
  const ahead = { ...views.items.get('t2')!, lastSequence: 99 };
  views.items.set('t2', ahead);
  const again = await rebuildProjection({ projection: taskViewProjection, events, views, maxAttempts: 2 });
  expect(again).toMatchObject({ written: 2, stale: 1 });
  expect(views.items.get('t2')).toBe(ahead);
});

test('failures are reported per stream and do not stop the rebuild; empty streams are counted', async () => {
  const events = log(3);
  const [orphan] = envelopes(taskStream('orphan'), 1, [{ type: 'TaskAdmitted', data: { userId: 'u1', fromQueue: false } }], '2025-01-01T00:00:00.000Z');
  events.add(orphan!);
  const views = new InMemoryViewStore<TaskView>();
  const replace = views.replace.bind(views);
  views.replace = async (id, view) => {
    if (id === 't1') throw new Error('throttled');
    return replace(id, view);
  };
  const report = await rebuildProjection({ projection: taskViewProjection, events, views });
  expect(report).toMatchObject({ streams: 4, written: 2, empty: 1, failed: [{ id: 't1', error: 'throttled' }] });
});
