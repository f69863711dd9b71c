/** Archives record matching events; replays re-send them with `replay-name`, optionally to some rules only. */
import {
  CancelReplayCommand,
  CreateArchiveCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  ListReplaysCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from './model';
import { startTestBus, waitFor, type TestBus } from './testing/harness';

const ARN = 'arn:aws:events:us-east-1:000000000000';
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
let t: TestBus;
const received: Record<string, EventBridgeEvent[]> = { live: [], late: [] };
let start: Date;
let ids: string[];

beforeAll(async () => {
  t = await startTestBus();
  for (const name of Object.keys(received)) t.bus.registerFunction(name, (e: EventBridgeEvent) => void received[name]!.push(e));
  await t.client.send(new CreateArchiveCommand({ ArchiveName: 'tasks', EventSourceArn: `${ARN}:event-bus/default`, EventPattern: '{"source":["abca.task"]}' }));
  await t.client.send(new PutRuleCommand({ Name: 'live', EventPattern: '{"source":["abca.task"]}' }));
  await t.client.send(new PutTargetsCommand({ Rule: 'live', Targets: [{ Id: 'f', Arn: fnArn('live') }] }));
  start = new Date(Date.now() - 1000);
  const out = await t.client.send(
    new PutEventsCommand({
      Entries: [
        { Source: 'abca.task', DetailType: 'TaskSubmitted', Detail: '{"n":1}' },
        { Source: 'abca.other', DetailType: 'Noise', Detail: '{"n":2}' },
        { Source: 'abca.task', DetailType: 'TaskCompleted', Detail: '{"n":3}' },
      ],
    }),
  );
  ids = out.Entries!.map((e) => e.EventId!);
  await t.bus.idle();
  // A subscriber added after the events happened.
  await t.client.send(new PutRuleCommand({ Name: 'late', EventPattern: '{"source":["abca.task"]}' }));
  await t.client.send(new PutTargetsCommand({ Rule: 'late', Targets: [{ Id: 'f', Arn: fnArn('late') }] }));
});
afterAll(() => t.stop());

async function replayDone(name: string) {
  return waitFor(async () => {
    const d = await t.client.send(new DescribeReplayCommand({ ReplayName: name }));
    return d.State === 'COMPLETED' || d.State === 'FAILED' ? d : undefined;
  });
}

it('archives the events of its bus that match its pattern', async () => {
  const d = await t.client.send(new DescribeArchiveCommand({ ArchiveName: 'tasks' }));
  expect(d.EventCount).toBe(2);
  expect(d.SizeBytes).toBeGreaterThan(0);
});

it('replays the window to the rules in FilterArns only, with replay-name set and the original ids', async () => {
  received.live.length = 0;
  const out = await t.client.send(
    new StartReplayCommand({
      ReplayName: 'catch-up',
      EventSourceArn: `${ARN}:archive/tasks`,
      EventStartTime: start,
      EventEndTime: new Date(Date.now() + 1000),
      Destination: { Arn: `${ARN}:event-bus/default`, FilterArns: [`${ARN}:rule/late`] },
    }),
  );
  expect(out).toMatchObject({ ReplayArn: `${ARN}:replay/catch-up`, State: 'STARTING' });
  expect(out.ReplayStartTime).toBeInstanceOf(Date);
  const d = await replayDone('catch-up');
  await t.bus.idle();
  expect(d).toMatchObject({ ReplayName: 'catch-up', State: 'COMPLETED', EventSourceArn: `${ARN}:archive/tasks`, Destination: { FilterArns: [`${ARN}:rule/late`] } });
  expect(d.EventLastReplayedTime).toBeInstanceOf(Date);
  expect(d.ReplayEndTime).toBeInstanceOf(Date);
  expect(received.late.map((e) => [e.id, e['replay-name'], e['detail-type']])).toEqual([
    [ids[0], 'catch-up', 'TaskSubmitted'],
    [ids[2], 'catch-up', 'TaskCompleted'],
  ]);
  expect(received.live).toEqual([]);
  // Replayed events are not archived again.
  expect((await t.client.send(new DescribeArchiveCommand({ ArchiveName: 'tasks' }))).EventCount).toBe(2);
});

it('replays to every rule of the bus without FilterArns, and only the events in the window', async () => {
  received.live.length = 0;
  received.late.length = 0;
  await t.client.send(
    new StartReplayCommand({
      ReplayName: 'all-rules',
      EventSourceArn: `${ARN}:archive/tasks`,
      EventStartTime: start,
      EventEndTime: new Date(Date.now() + 1000),
      Destination: { Arn: `${ARN}:event-bus/default` },
    }),
  );
  await replayDone('all-rules');
  await t.bus.idle();
  expect(received.live.map((e) => e['replay-name'])).toEqual(['all-rules', 'all-rules']);
  expect(received.late).toHaveLength(2);

  await t.client.send(
    new StartReplayCommand({
      ReplayName: 'empty-window',
      EventSourceArn: `${ARN}:archive/tasks`,
      EventStartTime: new Date(start.getTime() - 60_000),
      EventEndTime: new Date(start.getTime() - 30_000),
      Destination: { Arn: `${ARN}:event-bus/default` },
    }),
  );
  const raw = (await (
    await fetch(t.bus.url, { method: 'POST', headers: { 'X-Amz-Target': 'AWSEvents.DescribeReplay', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{"ReplayName":"empty-window"}' })
  ).json()) as Record<string, unknown>;
  expect(['STARTING', 'RUNNING', 'COMPLETED']).toContain(raw.State);
  const d = await replayDone('empty-window');
  expect(d.State).toBe('COMPLETED');
  const progress = (await (
    await fetch(t.bus.url, { method: 'POST', headers: { 'X-Amz-Target': 'AWSEvents.DescribeReplay', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{"ReplayName":"empty-window"}' })
  ).json()) as Record<string, unknown>;
  expect(progress).toMatchObject({ EventsReplayed: 0, EventsTotal: 0 });
  const list = await t.client.send(new ListReplaysCommand({ State: 'COMPLETED' }));
  expect(list.Replays!.map((r) => r.ReplayName)).toEqual(['all-rules', 'catch-up', 'empty-window']);
});

it('refuses to cancel a finished replay and refuses a second replay with the same name', async () => {
  await expect(t.client.send(new CancelReplayCommand({ ReplayName: 'catch-up' }))).rejects.toMatchObject({ name: 'IllegalStatusException' });
  await expect(
    t.client.send(
      new StartReplayCommand({ ReplayName: 'catch-up', EventSourceArn: `${ARN}:archive/tasks`, EventStartTime: start, EventEndTime: new Date(), Destination: { Arn: `${ARN}:event-bus/default` } }),
    ),
  ).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
});
