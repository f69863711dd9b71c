/**
 * Test helpers for the local EventBridge: a bus with fast retries and a captured log, an SDK client
 * on it, a recording HTTP server (API destination endpoint), and polling.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { startLocalEventBridge, type LocalEventBridge, type LocalEventBridgeOptions } from '../server';
import type { LogLevel } from '../log';

interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

export interface TestBus {
  readonly bus: LocalEventBridge;
  readonly client: EventBridgeClient;
  readonly logs: LogLine[];
  stop(): Promise<void>;
}

function clientFor(url: string, region = 'us-east-1'): EventBridgeClient {
  return new EventBridgeClient({ endpoint: url, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

export async function startTestBus(options: LocalEventBridgeOptions = {}): Promise<TestBus> {
  const logs: LogLine[] = [];
  const bus = await startLocalEventBridge({ retryBaseDelayMs: 2, log: (level, message, fields) => logs.push({ level, message, fields }), ...options });
  const client = clientFor(bus.url, bus.region);
  return {
    bus,
    client,
    logs,
    async stop() {
      client.destroy();
      await bus.stop();
    },
  };
}

export function tempDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `abca-eb-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `probe` until it is truthy. The deadline only guards against a hang (a loaded machine may take seconds). */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 30_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface Recorder {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Status codes for the next requests, in order (then 200). */
  respondWith(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A local HTTP server that records requests and answers with scripted statuses (or `answer`). */
export async function startRecorder(answer?: (req: RecordedRequest) => { status: number; body: string } | undefined): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const custom = answer?.(recorded);
      res.writeHead(custom?.status ?? statuses.shift() ?? 200, { 'Content-Type': 'application/json' });
      res.end(custom?.body ?? '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    respondWith: (...s) => statuses.push(...s),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
