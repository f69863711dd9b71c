/**
 * The S3 nudge inbox with the real @aws-sdk/client-s3 against a local S3-compatible server
 * (s3rver). Nudges are written the way the platform writes them: nudge-delivery's writeNudge
 * through the S3 BlobStore, the inbox reference from nudgeInboxRef.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Sender } from '../../services/adapters/s3/s3-objects';
import type { EventEnvelope } from '../../services/kernel/envelope';
import { nudgeInboxRef, writeNudge } from '../../services/tasks/nudge-delivery/inbox';
import { useLocalS3 } from '../../test/support/local-s3';
import { nudgeInboxFor } from '../wiring';
import { S3NudgeInbox, type S3NudgeInboxOptions } from './s3-nudge-inbox';

const BUCKET = 'abca-blobs';
const s3 = useLocalS3(BUCKET);
let inboxes: S3NudgeInbox[] = [];
let taskSeq = 0;
let taskId: string;

beforeEach(() => {
  taskId = `T-${++taskSeq}`; // each test its own inbox
});
afterEach(() => {
  inboxes.forEach((i) => i.close());
  inboxes = [];
});

/**
 * An inbox that polls only when told: its first, immediate poll is over when this resolves (so it
 * cannot race the test's writes), and the next timed one is a minute away.
 */
async function inbox(options: Partial<S3NudgeInboxOptions> = {}): Promise<S3NudgeInbox> {
  const i = new S3NudgeInbox(nudgeInboxRef(s3.blobs, taskId), { client: s3.client, pollMs: 60_000, ...options });
  inboxes.push(i);
  await i.poll();
  return i;
}

/** Writes a nudge as the nudge-delivery service does (same key scheme, same bytes). */
function deliver(sequence: number, nudgeId: string, message: string, id = `01J${String(sequence).padStart(4, '0')}`): Promise<string> {
  const event = {
    id,
    type: 'NudgeReceived',
    stream: { type: 'Task', id: taskId },
    sequence,
    occurredAt: '2025-01-01T00:00:00.000Z',
    data: { nudgeId, message, nudgedBy: 'user:u-1', sessionId: null },
  } as unknown as EventEnvelope<'NudgeReceived'>;
  return writeNudge(s3.blobs, event);
}

const putRaw = (name: string, body: string) => s3.blobs.put(`nudges/${taskId}/${name}`, body);

/** The deadline only guards against a hang (a loaded machine may take many seconds). */
async function eventually<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the inbox reference is the task prefix in the bucket', async () => {
  expect(nudgeInboxRef(s3.blobs, taskId)).toBe(`s3://${BUCKET}/abca/nudges/${taskId}/`);
  expect((await inbox()).location).toEqual({ bucket: BUCKET, key: `abca/nudges/${taskId}/` });
});

test('hands out each nudge once, in key order, including the ones that arrive later', async () => {
  const i = await inbox();
  await deliver(12, 'n-2', 'then add a test');
  await deliver(9, 'n-1', 'use pnpm');
  await i.poll();
  expect(i.drain()).toEqual(['use pnpm', 'then add a test']);
  await i.poll();
  expect(i.drain()).toEqual([]);
  await deliver(15, 'n-3', 'and update the changelog');
  await deliver(12, 'n-2', 'then add a test'); // a redelivered event rewrites the same object
  await i.poll();
  expect(i.drain()).toEqual(['and update the changelog']);
});

test('polls in the background: a nudge written while the agent works shows up in a later drain', async () => {
  const i = await inbox({ pollMs: 20 });
  expect(i.drain()).toEqual([]); // nothing yet, and drain does not wait for S3
  await deliver(3, 'n-1', 'use pnpm');
  expect(await eventually(() => i.drain(), (m) => m.length > 0)).toEqual(['use pnpm']);
  const gets = () => s3.requests.filter((r) => r.method === 'GET' && r.url.includes(`/nudges/${taskId}/0`)).length;
  const lists = () => s3.requests.filter((r) => r.method === 'GET' && r.url.includes('list-type=2') && r.url.includes(encodeURIComponent(`nudges/${taskId}/`))).length;
  const before = gets();
  const listed = lists();
  await eventually(lists, (n) => n >= listed + 2); // two more background polls (not a fixed 100 ms)
  expect(i.drain()).toEqual([]);
  expect(gets()).toBe(before); // a handled object is not read again
});

test('a nudge that lands late, behind one already handed out, is still handed out', async () => {
  const i = await inbox();
  await deliver(20, 'n-2', 'second');
  await i.poll();
  expect(i.drain()).toEqual(['second']);
  await deliver(18, 'n-1', 'first, but late');
  await i.poll();
  expect(i.drain()).toEqual(['first, but late']);
});

test('skips half-written, foreign and nested objects, invalid nudges (warned once) and repeated nudge ids', async () => {
  const warnings: string[] = [];
  const i = await inbox({ warn: (m) => warnings.push(m) });
  await putRaw('0000000001-01JA.json.3f2a.tmp', '{"nudgeId":"n-0","mes');
  await putRaw('README', 'not a nudge');
  await putRaw('sub/0000000001-01JZ.json', JSON.stringify({ nudgeId: 'n-z', message: 'nested' }));
  await putRaw('0000000002-01JB.json', '{not json');
  await putRaw('0000000003-01JC.json', JSON.stringify({ nudgeId: 'n-3', message: '   ' }));
  await deliver(4, 'n-4', 'the good one');
  await deliver(5, 'n-4', 'the good one');
  await i.poll();
  expect(i.drain()).toEqual(['the good one']);
  expect(warnings).toEqual([
    expect.stringMatching(/^nudge 0000000002-01JB\.json skipped: .*JSON/),
    'nudge 0000000003-01JC.json skipped: it needs a nudgeId and a non-empty message',
  ]);
  await i.poll();
  expect(i.drain()).toEqual([]);
  expect(warnings).toHaveLength(2);
});

test('reads only its own task: T-1 does not see T-10', async () => {
  const mine = await inbox();
  const own = taskId;
  await deliver(1, 'n-1', 'mine');
  taskId = `${own}0`;
  await deliver(1, 'n-9', 'not mine');
  taskId = own;
  await mine.poll();
  expect(mine.drain()).toEqual(['mine']);
});

test('lists every page of a large inbox', async () => {
  const i = await inbox({ pageSize: 2 });
  for (let seq = 1; seq <= 5; seq++) await deliver(seq, `n-${seq}`, `nudge ${seq}`);
  const lists = () => s3.requests.filter((r) => r.method === 'GET' && r.url.includes('list-type=2') && r.url.includes(encodeURIComponent(`nudges/${taskId}/`)));
  const before = lists().length;
  await i.poll();
  expect(i.drain()).toEqual(['nudge 1', 'nudge 2', 'nudge 3', 'nudge 4', 'nudge 5']);
  const pages = lists().slice(before);
  expect(pages).toHaveLength(3); // 2 + 2 + 1
  expect(pages.slice(1).every((r) => r.url.includes('continuation-token='))).toBe(true);
});

test('a read that fails stops the poll there; the next poll hands the nudges out in order', async () => {
  await deliver(1, 'n-1', 'first');
  await deliver(2, 'n-2', 'second');
  let failGets = 1;
  const flaky: S3Sender = {
    send: ((command: unknown) => {
      if (command instanceof GetObjectCommand && failGets-- > 0) return Promise.reject(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
      return s3.client.send(command as GetObjectCommand);
    }) as S3Sender['send'],
  };
  const warnings: string[] = [];
  const i = await inbox({ client: flaky, warn: (m) => warnings.push(m) }); // its first poll meets the failure
  expect(i.drain()).toEqual([]);
  expect(warnings).toEqual([expect.stringMatching(/^cannot read the nudge 0000000001-01J0001\.json, will try again: cannot read s3:\/\/.*SlowDown: slow down$/)]);
  await i.poll();
  expect(i.drain()).toEqual(['first', 'second']);
});

test('an inbox that cannot be listed gives no nudges, never throws, and warns once', async () => {
  const warnings: string[] = [];
  const i = new S3NudgeInbox(`s3://no-such-bucket/nudges/${taskId}/`, { client: s3.client, pollMs: 60_000, warn: (m) => warnings.push(m) });
  inboxes.push(i);
  await i.poll();
  await i.poll();
  expect(() => i.drain()).not.toThrow();
  expect(i.drain()).toEqual([]);
  expect(warnings).toEqual([expect.stringMatching(/^cannot list the nudge inbox s3:\/\/no-such-bucket\/nudges\/T-\d+\/: .*NoSuchBucket/)]);
});

test('close stops the background polling', async () => {
  const i = await inbox({ pollMs: 10 });
  await i.poll();
  i.close();
  await i.poll(); // joins a poll under way when closing (which may still finish): after it, none is in flight
  const count = s3.requests.length;
  await new Promise((r) => setTimeout(r, 100));
  expect(s3.requests.length).toBe(count);
});

test('nudgeInboxFor (agent/wiring.ts) polls an s3:// inbox with the session S3 client', async () => {
  await deliver(7, 'n-1', 'use pnpm');
  const i = nudgeInboxFor({ nudgesRef: nudgeInboxRef(s3.blobs, taskId) }, () => undefined, () => s3.client);
  expect(i).toBeInstanceOf(S3NudgeInbox);
  inboxes.push(i as S3NudgeInbox);
  await (i as S3NudgeInbox).poll();
  expect(i.drain()).toEqual(['use pnpm']);
});
