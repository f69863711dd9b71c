/** Local queues on their own: the journal (durable sends, compaction, torn writes) and consumer semantics. */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { silentLog } from './log';
import { QueueRegistry } from './queue';
import { tempDir, waitFor } from './testing/harness';

const scope = { region: 'us-east-1', accountId: '000000000000' };
const tmp = tempDir('queue');
afterAll(() => tmp.remove());
const journalLines = (dir: string, name: string) =>
  readFileSync(path.join(dir, 'queues', `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { op: string; body?: string });

it('has a message in the journal when send resolves, and compacts the journal when reopened', async () => {
  const dir = path.join(tmp.dir, 'compact');
  let queues = new QueueRegistry(dir, scope, silentLog);
  const q = await queues.get('jobs');
  await q.send([{ body: 'one' }, { body: 'two' }, { body: 'three' }]);
  expect(journalLines(dir, 'jobs').map((l) => l.body)).toEqual(['one', 'two', 'three']);
  q.setConsumer(async (e: SQSEvent) => ({ batchItemFailures: e.Records.filter((r) => r.body === 'two').map((r) => ({ itemIdentifier: r.messageId })) }), { visibilityTimeoutMs: 60_000 });
  await waitFor(() => q.size === 1);
  expect(journalLines(dir, 'jobs').map((l) => l.op)).toEqual(['send', 'send', 'send', 'recv', 'recv', 'recv', 'ack', 'ack']);
  await queues.stop();

  // A crash in the middle of an append leaves a torn last line: it is skipped.
  appendFileSync(path.join(dir, 'queues', 'jobs.jsonl'), '{"op":"send","id":"torn","bo');
  queues = new QueueRegistry(dir, scope, silentLog);
  const reopened = await queues.get('arn:aws:sqs:us-east-1:000000000000:jobs');
  expect(journalLines(dir, 'jobs')).toEqual([expect.objectContaining({ op: 'send', body: 'two', receiveCount: 1 })]);
  expect(reopened.peek()).toEqual([expect.objectContaining({ body: 'two', receiveCount: 1, visible: true })]);
  await queues.stop();
});

it('fails the whole batch when batchItemFailures names a message that is not in it (as Lambda)', async () => {
  const queues = new QueueRegistry(undefined, scope, silentLog);
  const q = await queues.get('strict');
  await q.send([{ body: 'x' }, { body: 'y' }]);
  const sizes: number[] = [];
  q.setConsumer(
    async (e: SQSEvent) => {
      sizes.push(e.Records.length);
      return sizes.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] } : undefined;
    },
    { visibilityTimeoutMs: 10 },
  );
  await waitFor(() => q.size === 0);
  expect(sizes).toEqual([2, 2]);
  await queues.stop();
});

it('delivers messages sent while a batch is in flight in the next batch, in arrival order', async () => {
  const queues = new QueueRegistry(undefined, scope, silentLog);
  const q = await queues.get('busy');
  const batches: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  q.setConsumer(async (e: SQSEvent) => {
    batches.push(e.Records.map((r) => r.body));
    if (batches.length === 1) await gate;
  });
  await q.send([{ body: '1' }]);
  await waitFor(() => batches.length === 1);
  await q.send([{ body: '2' }, { body: '3' }]);
  await q.send([{ body: '4' }]);
  release();
  await waitFor(() => q.size === 0 && q.idle);
  expect(batches).toEqual([['1'], ['2', '3', '4']]);
  await queues.stop();
});

it('keeps redelivering without a dead-letter queue, and redrives once one is set', async () => {
  const queues = new QueueRegistry(undefined, scope, silentLog);
  const q = await queues.get('poison');
  await q.send([{ body: 'bad', messageAttributes: { kind: { dataType: 'String', stringValue: 'poison' } } }]);
  let receives = 0;
  q.setConsumer(
    async () => {
      receives++;
      throw new Error('cannot process');
    },
    { visibilityTimeoutMs: 5, maxReceiveCount: 2 },
  );
  await waitFor(() => receives >= 4);
  q.setConsumer(
    async () => {
      throw new Error('cannot process');
    },
    { visibilityTimeoutMs: 5, maxReceiveCount: 2, deadLetterQueue: 'poison-dlq' },
  );
  const dlq = await queues.get('poison-dlq');
  await waitFor(() => dlq.size === 1);
  expect(q.size).toBe(0);
  expect(dlq.peek()[0]).toMatchObject({ body: 'bad', messageAttributes: { kind: { stringValue: 'poison' } }, receiveCount: 0 });
  await queues.stop();
});

it('refuses queue names SQS would refuse', async () => {
  const queues = new QueueRegistry(undefined, scope, silentLog);
  await expect(queues.get('no spaces')).rejects.toThrow(/not valid/);
});
