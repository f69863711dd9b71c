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
