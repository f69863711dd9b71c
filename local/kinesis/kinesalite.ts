/**
 * kinesalite (the Kinesis API on one machine) run in-process, plus the two helpers every local user
 * of the telemetry stream needs: `kinesisClient(endpoint)` (re-exported from services/adapters/aws/kinesis-client.ts, the one place
 * that builds a Kinesis client for an endpoint) and `ensureStream` (create if missing, wait until ACTIVE).
 *
 *   const kinesis = await startKinesalite({ path: '.abca/kinesis' });   // or in memory
 *   const client = kinesisClient(kinesis.endpoint);
 *   await ensureStream(client, 'abca-telemetry', 2);
 *   ...
 *   client.destroy(); await kinesis.stop();
 *
 * Stream creation, deletion and updates are instant (createStreamMs: 0 ...): the waits in
 * `ensureStream` matter only against real Kinesis.
 */
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export { kinesisClient } from '../../services/adapters/aws/kinesis-client';

export interface KinesaliteOptions {
  /** Fixed port; the system picks a free one when omitted (0). */
  readonly port?: number;
  /** Host to bind (default 127.0.0.1: never exposed beyond the machine). */
  readonly host?: string;
  /** Keep streams and records in this folder (LevelDB); in memory when omitted. */
  readonly path?: string;
  /** Shards allowed across all streams (kinesalite's default is 10). */
  readonly shardLimit?: number;
}

export interface LocalKinesis {
  readonly endpoint: string;
  readonly port: number;
  /**
   * Calls `listener` after each successful PutRecord / PutRecords (the records are readable then),
   * whoever the writer is (the agent is another process). Stream consumers wait on it rather than
   * polling on a fixed interval, as Kinesis's enhanced fan-out pushes records to its subscribers.
   * Returns a function that removes the listener.
   */
  onPut(listener: () => void): () => void;
  /** Closes the server and its database. Safe to call twice. */
  stop(): Promise<void>;
}

interface KinesaliteServerOptions {
  path?: string;
  createStreamMs: number;
  deleteStreamMs: number;
  updateStreamMs: number;
  shardLimit: number;
}

type KinesaliteFactory = (options: KinesaliteServerOptions) => Server;

const STOP_GRACE_MS = 2_000;

export async function startKinesalite(options: KinesaliteOptions = {}): Promise<LocalKinesis> {
  // Loaded here, not at import: importing this module for its helpers must not load LevelDB.
  const factory = require('kinesalite') as KinesaliteFactory;
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server = factory({
    ...(options.path ? { path: options.path } : {}),
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: options.shardLimit ?? 10,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      server.close(() => undefined); // closes its database (the server itself never listened)
      reject(new Error(`kinesalite could not listen on ${host}:${options.port ?? 0}: ${err.message}`));
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const listeners = new Set<() => void>();
  // Beside kinesalite's own request handler: note puts once their answer has been sent.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!/\.PutRecords?$/.test(target)) return;
    res.once('finish', () => {
      if (res.statusCode !== 200) return;
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch {
          // a listener's failure is its own
        }
      }
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    onPut(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopping ??= new Promise<void>((resolve, reject) => {
        // kinesalite's close() closes its database, then the HTTP server; the server waits for open
        // connections, so idle keep-alive ones are closed at once and busy ones after a grace period.
        const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        server.close((err) => {
          clearTimeout(force);
          if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}

export interface EnsureStreamOptions {
  /** How long to wait for ACTIVE (real Kinesis takes seconds; kinesalite is instant here). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

/**
 * Creates the stream with `shards` shards unless it exists, and waits until it is ACTIVE (or
 * UPDATING, which still serves reads and writes). An existing stream keeps its shard count; one
 * being deleted is created again once it is gone. Returns the stream's ARN.
 */
export async function ensureStream(client: KinesisClient, name: string, shards = 1, options: EnsureStreamOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let status: string | undefined;
  for (;;) {
    try {
      const { StreamDescriptionSummary: s } = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      status = s?.StreamStatus;
      if (status === 'ACTIVE' || status === 'UPDATING') return s!.StreamARN!;
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
      status = 'MISSING';
      try {
        await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      } catch (createErr) {
        // Created meanwhile by someone else, or still being deleted: wait and look again.
        if ((createErr as Error).name !== 'ResourceInUseException') throw createErr;
      }
    }
    if (Date.now() > deadline) throw new Error(`Kinesis stream ${name} is not ACTIVE after ${timeoutMs} ms (status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}
