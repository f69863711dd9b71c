/** kinesalite in-process: free port, streams, the HTTP/1.1 client, persistence across restarts. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ensureStream, kinesisClient, startKinesalite } from './kinesalite';
import { readAll } from './testing/kinesis-test-kit';

test('starts on a free port; ensureStream creates once, waits ACTIVE, and is idempotent', async () => {
  const kinesis = await startKinesalite();
  const client = kinesisClient(kinesis.endpoint);
  try {
    expect(kinesis.endpoint).toBe(`http://127.0.0.1:${kinesis.port}`);
    expect(kinesis.port).toBeGreaterThan(0);
    const arn = await ensureStream(client, 'telemetry', 2);
    expect(arn).toMatch(/^arn:aws:kinesis:[a-z0-9-]+:\d+:stream\/telemetry$/);
    expect(await ensureStream(client, 'telemetry', 5)).toBe(arn); // exists: keeps its shards
    const { StreamDescriptionSummary: s } = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'telemetry' }));
    expect(s).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2 });

    // Deleted, then ensured again: created anew.
    await client.send(new DeleteStreamCommand({ StreamName: 'telemetry' }));
    await ensureStream(client, 'telemetry', 1);
    const again = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'telemetry' }));
    expect(again.StreamDescriptionSummary?.OpenShardCount).toBe(1);
  } finally {
    client.destroy();
    await kinesis.stop();
    await kinesis.stop(); // twice is fine
  }
});

test('two instances run side by side on different ports', async () => {
  const [a, b] = await Promise.all([startKinesalite(), startKinesalite()]);
  try {
    expect(a.port).not.toBe(b.port);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('with a path, streams and records survive a restart', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kinesalite-'));
  try {
    const first = await startKinesalite({ path: path.join(dir, 'data') });
    let client = kinesisClient(first.endpoint);
    await ensureStream(client, 'durable', 1);
    await client.send(new PutRecordsCommand({ StreamName: 'durable', Records: [{ Data: Buffer.from('kept'), PartitionKey: 'k' }] }));
    client.destroy();
    await first.stop();

    const second = await startKinesalite({ path: path.join(dir, 'data') });
    client = kinesisClient(second.endpoint);
    try {
      expect((await readAll(client, 'durable')).map((r) => r.data)).toEqual(['kept']);
    } finally {
      client.destroy();
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a taken port is reported clearly', async () => {
  const a = await startKinesalite();
  try {
    await expect(startKinesalite({ port: a.port })).rejects.toThrow(`kinesalite could not listen on 127.0.0.1:${a.port}`);
  } finally {
    await a.stop();
  }
});
