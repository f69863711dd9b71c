/**
 * The local scheduler on DynamoDB Local: a schedule fires once when due (and not before), survives a
 * restart of the scheduler, can be cancelled, stays when the bus refuses it, and puts its event on
 * the (local) EventBridge through PutEvents.
 */
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from '../eventbridge/model';
import { startTestBus, waitFor } from '../eventbridge/testing/harness';
import { createIsolatedTables, type IsolatedTables } from '../../test/support/dynamo';
import { LocalScheduler, type DueSchedule, type LocalSchedulerOptions } from './local-scheduler';
import { SCHEDULES_TABLE } from '../../services/adapters/scheduler/schedules-table';

let tables: IsolatedTables;
const schedulers: LocalScheduler[] = [];

beforeAll(async () => {
  tables = await createIsolatedTables([SCHEDULES_TABLE], 'sch');
});
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});
afterAll(async () => tables.drop());

const event = (taskId: string) => ({ source: 'abca.scheduler', detailType: 'SessionDeadlineReached', detail: { taskId, sessionId: `s-${taskId}-1`, deadlineAt: '2025-01-01T00:00:00.000Z' } });

function scheduler(options: Partial<LocalSchedulerOptions> & Pick<LocalSchedulerOptions, 'target'>): LocalScheduler {
  const s = new LocalScheduler({ client: tables.client, tableName: tables.name(SCHEDULES_TABLE), tickMs: 20, ...options });
  schedulers.push(s);
  return s;
}

function recorder() {
  const got: DueSchedule[] = [];
  return { got, target: { publish: async (due: DueSchedule) => void got.push(due) } };
}

test('a schedule fires once, when it is due and not before', async () => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const r = recorder();
  const s = scheduler({ target: r.target, now: () => new Date(now) });
  await s.scheduleOnce('deadline-a', new Date(now + 60_000), event('a'));

  expect(await s.tick()).toBe(0);
  now += 59_999;
  expect(await s.tick()).toBe(0);
  now += 1;
  expect(await s.tick()).toBe(1);
  expect(await s.tick()).toBe(0);

  expect(r.got).toEqual([{ name: 'deadline-a', at: new Date(now), ...event('a') }]);
  expect(await s.get('deadline-a')).toBeUndefined();
});

test('scheduling the same name again replaces it (a retried schedule is harmless)', async () => {
  const r = recorder();
  const s = scheduler({ target: r.target });
  const at = new Date(Date.now() - 1000);
  await s.scheduleOnce('deadline-b', at, event('b'));
  await s.scheduleOnce('deadline-b', at, event('b'));
  expect(await s.tick()).toBe(1);
  expect(r.got.map((d) => d.name)).toEqual(['deadline-b']);
});

test('schedules survive a restart of the scheduler: a new instance on the same table fires them', async () => {
  // Due in an hour, and the restarted scheduler's clock is past that: the first one cannot fire it
  // however slowly the machine runs (a schedule 300 ms away raced the first one's stop under load).
  const first = recorder();
  const before = scheduler({ target: first.target });
  before.start();
  await before.scheduleOnce('deadline-c', new Date(Date.now() + 3_600_000), event('c'));
  await before.stop(); // the process goes down before the schedule is due

  const second = recorder();
  const after = scheduler({ target: second.target, now: () => new Date(Date.now() + 3_601_000) }); // back after it was due
  after.start();
  await waitFor(() => second.got.length > 0, undefined, 'the schedule to fire after the restart');
  await after.stop();

  expect(first.got).toEqual([]);
  expect(second.got.map((d) => d.name)).toEqual(['deadline-c']);
  expect(await after.tick()).toBe(0); // fired once: it is gone
  expect(second.got).toHaveLength(1);
});

test('the running loop waits on the data: a schedule stored while it sleeps fires at its time, not after the longest wait', async () => {
  const r = recorder();
  const s = scheduler({ target: r.target, tickMs: 600_000 }); // a sleep this long would outlast the wait below
  s.start();
  const at = new Date(Date.now() + 50);
  await s.scheduleOnce('deadline-w', at, event('w'));
  await waitFor(() => r.got.length > 0, undefined, 'the schedule to fire');
  expect(r.got.map((d) => d.name)).toEqual(['deadline-w']);
  expect(Date.now()).toBeGreaterThanOrEqual(at.getTime()); // not before it was due
});

test('a cancelled schedule never fires; cancelling an unknown name is a no-op', async () => {
  const r = recorder();
  const s = scheduler({ target: r.target });
  await s.scheduleOnce('deadline-d', new Date(Date.now() - 1), event('d'));
  await s.cancel('deadline-d');
  await s.cancel('never-scheduled');
  expect(await s.tick()).toBe(0);
  expect(r.got).toEqual([]);
});

test('a schedule the bus refuses stays and fires at a later tick (deleted only after the put succeeded)', async () => {
  const got: string[] = [];
  let refuse = true;
  const s = scheduler({
    target: {
      publish: async (due) => {
        if (refuse) throw new Error('bus unavailable');
        got.push(due.name);
      },
    },
  });
  await s.scheduleOnce('deadline-e', new Date(Date.now() - 1), event('e'));
  expect(await s.tick()).toBe(0);
  expect(await s.get('deadline-e')).toBeDefined();
  refuse = false;
  expect(await s.tick()).toBe(1);
  expect(got).toEqual(['deadline-e']);
});

test('a schedule replaced while it fires is kept (only the fired version is deleted)', async () => {
  let s: LocalScheduler;
  const later = new Date(Date.now() + 3_600_000);
  s = scheduler({ target: { publish: async () => s.scheduleOnce('deadline-f', later, event('f')) } });
  await s.scheduleOnce('deadline-f', new Date(Date.now() - 1), event('f'));
  expect(await s.tick()).toBe(1);
  expect((await s.get('deadline-f'))?.at).toEqual(later);
});

test('refuses names EventBridge Scheduler would refuse', async () => {
  const s = scheduler({ target: recorder().target });
  await expect(s.scheduleOnce('has space', new Date(), event('g'))).rejects.toThrow(/schedule name/);
  await expect(s.scheduleOnce('x'.repeat(65), new Date(), event('g'))).rejects.toThrow(/schedule name/);
});

test('puts the event on an EventBridge bus through PutEvents (the local EventBridge)', async () => {
  const t = await startTestBus();
  try {
    const received: EventBridgeEvent[] = [];
    t.bus.registerFunction('watchdog', (e: EventBridgeEvent) => void received.push(e));
    await t.client.send(new PutRuleCommand({ Name: 'deadlines', EventPattern: JSON.stringify({ source: ['abca.scheduler'], 'detail-type': ['SessionDeadlineReached'] }) }));
    await t.client.send(new PutTargetsCommand({ Rule: 'deadlines', Targets: [{ Id: 'fn', Arn: t.bus.functionArn('watchdog') }] }));
    const s = scheduler({ target: { eventBridge: t.client, eventBusName: 'default' } });
    await s.scheduleOnce('deadline-h', new Date(Date.now() - 1), event('h'));

    expect(await s.tick()).toBe(1);
    await t.bus.idle();

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ source: 'abca.scheduler', 'detail-type': 'SessionDeadlineReached', detail: event('h').detail });
  } finally {
    await t.stop();
  }
});
