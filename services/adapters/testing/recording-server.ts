/**
 * Test support: a local HTTP server standing in for an AWS service. It records every request
 * exactly as the real SDK client sent it (method, path + query, headers, body) and answers with
 * whatever the test's handler returns, so adapter tests check the wire format against the genuine
 * SDK serializer with `endpoint` pointed here and dummy credentials.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent (e.g. `/runtimes/arn%3Aaws…/invocations?qualifier=prod`). */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordedAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | object;
}

export type RecordingHandler = (request: RecordedRequest) => RecordedAnswer | Promise<RecordedAnswer>;

export interface RecordingServer {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Replaces the handler (per test). */
  handle(handler: RecordingHandler): void;
  close(): Promise<void>;
}

export async function startRecordingServer(handler: RecordingHandler = () => ({ status: 200, body: {} })): Promise<RecordingServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const parsed = new URL(url, 'http://localhost');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve()
        .then(() => current(recorded))
        .then(
          (answer) => {
            const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
            res.writeHead(answer.status ?? 200, { 'content-length': Buffer.byteLength(body).toString(), ...answer.headers });
            res.end(body);
          },
          (err: Error) => {
            res.writeHead(599);
            res.end(err.message);
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The access key id SDK clients of useRecordingClient sign with (requests carry it in their Credential). */
export const RECORDING_ACCESS_KEY_ID = 'AKIDEXAMPLE';

/** The client settings of an SDK client pointed at a recording server: dummy credentials, no SDK retries. */
export interface RecordingClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts: number;
}

/**
 * For a test file: a recording server started once, a real SDK client made by `create` pointed at
 * it (the SDK's own retries off: they are not what adapter tests are about), the recorded requests
 * cleared and `handler()` installed before each test. Read `server` and `client` inside tests.
 */
export function useRecordingClient<C extends { destroy(): void }>(
  create: (config: RecordingClientConfig) => C,
  options: { readonly region?: string; readonly handler?: () => RecordingHandler } = {},
): { readonly server: RecordingServer; readonly client: C } {
  let server: RecordingServer | undefined;
  let client: C | undefined;
  beforeAll(async () => {
    server = await startRecordingServer();
    client = create({ endpoint: server.endpoint, region: options.region ?? 'us-east-1', credentials: { accessKeyId: RECORDING_ACCESS_KEY_ID, secretAccessKey: 'dummy-secret' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });
  beforeEach(() => {
    server!.requests.length = 0;
    if (options.handler) server!.handle(options.handler());
  });
  return {
    get server() {
      return server!;
    },
    get client() {
      return client!;
    },
  };
}
