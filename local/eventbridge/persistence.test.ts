/**
 * Restart on the same dataDir: definitions come back from state.json, unacknowledged queue messages
 * (with their receive counts) come back from the journal, archives keep their events.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  CreateApiDestinationCommand,
  CreateArchiveCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  DescribeApiDestinationCommand,
  DescribeArchiveCommand,
  DescribeConnectionCommand,
  DescribeRuleCommand,
  ListEventBusesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
  DescribeReplayCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import type { SQSEvent } from 'aws-lambda';
import { startTestBus, tempDir, waitFor, type TestBus } from './testing/harness';

const ARN = 'arn:aws:events:us-east-1:000000000000';
const tmp = tempDir('persist');
afterAll(() => tmp.remove());

it('keeps definitions, unacknowledged queue messages and archives across a restart', async () => {
  const targets: Target[] = [
    { Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:jobs', RetryPolicy: { MaximumRetryAttempts: 4 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:jobs-dlq' } },
    { Id: 'f', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:audit', InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"job": <id>}' } },
  ];
  let t: TestBus = await startTestBus({ dataDir: tmp.dir });
  let connectionArn: string;
  const pattern = '{"source":["abca.jobs"]}';
  try {
    await t.client.send(new CreateEventBusCommand({ Name: 'kept-bus' }));
    await t.client.send(new PutRuleCommand({ Name: 'jobs', EventPattern: pattern, Description: 'to the jobs queue' }));
    await t.client.send(new PutTargetsCommand({ Rule: 'jobs', Targets: targets }));
    await t.client.send(new CreateArchiveCommand({ ArchiveName: 'jobs-archive', EventSourceArn: `${ARN}:event-bus/default` }));
    connectionArn = (await t.client.send(new CreateConnectionCommand({ Name: 'c', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } })))
      .ConnectionArn!;
    await t.client.send(new CreateApiDestinationCommand({ Name: 'd', ConnectionArn: connectionArn, InvocationEndpoint: 'https://example.com/hook', HttpMethod: 'POST' }));
    t.bus.registerFunction('audit', () => undefined);
    await t.client.send(new PutEventsCommand({ Entries: ['a', 'b', 'c'].map((id) => ({ Source: 'abca.jobs', DetailType: 'Job', Detail: JSON.stringify({ id }) })) }));

    // The consumer acknowledges only "a"; b and c stay in the queue, received once.
    await t.bus.registerQueueConsumer(
      'jobs',
      async (event: SQSEvent) => ({
        batchItemFailures: event.Records.filter((r) => !r.body.includes('"id":"a"')).map((r) => ({ itemIdentifier: r.messageId })),
      }),
      { visibilityTimeoutMs: 60_000 },
    );
    await waitFor(async () => (await t.bus.peekQueue('jobs')).length === 2 && (await t.bus.peekQueue('jobs')).every((m) => m.receiveCount === 1), undefined, 'first receive');
  } finally {
    await t.stop();
  }

  t = await startTestBus({ dataDir: tmp.dir });
  try {
    const rule = await t.client.send(new DescribeRuleCommand({ Name: 'jobs' }));
    expect(rule).toMatchObject({ Name: 'jobs', EventPattern: pattern, Description: 'to the jobs queue', State: 'ENABLED' });
    expect((await t.client.send(new ListTargetsByRuleCommand({ Rule: 'jobs' }))).Targets).toEqual(targets);
    expect((await t.client.send(new ListEventBusesCommand({}))).EventBuses!.map((b) => b.Name)).toEqual(['default', 'kept-bus']);
    expect(await t.client.send(new DescribeArchiveCommand({ ArchiveName: 'jobs-archive' }))).toMatchObject({ EventCount: 3 });
    expect((await t.client.send(new DescribeConnectionCommand({ Name: 'c' }))).ConnectionArn).toBe(connectionArn);
    expect((await t.client.send(new DescribeApiDestinationCommand({ Name: 'd' }))).InvocationEndpoint).toBe('https://example.com/hook');

    // The unacknowledged messages are delivered again (their receive count survived).
    const got: { id: string; count: string }[] = [];
    await t.bus.registerQueueConsumer('jobs', async (event: SQSEvent) => {
      for (const r of event.Records) got.push({ id: (JSON.parse(r.body) as { detail: { id: string } }).detail.id, count: r.attributes.ApproximateReceiveCount });
    });
    await t.bus.idle();
    expect(got).toEqual([
      { id: 'b', count: '2' },
      { id: 'c', count: '2' },
    ]);
    expect(await t.bus.peekQueue('jobs')).toEqual([]);

    // The archive written before the restart replays after it.
    const received: unknown[] = [];
    t.bus.registerFunction('audit', (e: unknown) => void received.push(e));
    await t.client.send(
      new StartReplayCommand({
        ReplayName: 'after-restart',
        EventSourceArn: `${ARN}:archive/jobs-archive`,
        EventStartTime: new Date(Date.now() - 60_000),
        EventEndTime: new Date(),
        Destination: { Arn: `${ARN}:event-bus/default`, FilterArns: [`${ARN}:rule/jobs`] },
      }),
    );
    await waitFor(async () => (await t.client.send(new DescribeReplayCommand({ ReplayName: 'after-restart' }))).State === 'COMPLETED');
    await t.bus.registerQueueConsumer('jobs', async () => undefined);
    await t.bus.idle();
    expect(received).toEqual([{ job: 'a' }, { job: 'b' }, { job: 'c' }]);
  } finally {
    await t.stop();
  }

  // Files: the definitions document and one journal per queue, compacted on open.
  const files = readdirSync(tmp.dir).sort();
  expect(files).toEqual(['archives', 'queues', 'state.json']);
  const state = JSON.parse(readFileSync(path.join(tmp.dir, 'state.json'), 'utf8')) as { version: number; rules: { Name: string }[] };
  expect(state.version).toBe(1);
  expect(state.rules.map((r) => r.Name)).toEqual(['jobs']);
  expect(readdirSync(path.join(tmp.dir, 'queues'))).toContain('jobs.jsonl');
});

it('starts empty without a dataDir (in-memory mode) and keeps nothing', async () => {
  const a = await startTestBus();
  await a.client.send(new PutRuleCommand({ Name: 'gone', EventPattern: '{"source":["x"]}' }));
  await a.stop();
  const b = await startTestBus();
  try {
    await expect(b.client.send(new DescribeRuleCommand({ Name: 'gone' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  } finally {
    await b.stop();
  }
});
