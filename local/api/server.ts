/**
 * The API's HTTP front door on one machine: a node:http server that turns each real request into
 * the API Gateway proxy event the Lambda handler takes (same headers, query, raw body, source IP)
 * and writes the handler's result back. Bodies over the API's 1 MB limit are cut off at 1 MB + 1
 * byte (the handler answers 413), so a huge upload cannot fill the memory.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiHandler } from '../../services/api/api-handler';
import { MAX_BODY_BYTES } from '../../services/api/http';

export interface LocalApiServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Keeps at most 1 MB + 1 byte; the rest is read and dropped, so the client still gets its 413. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    const room = MAX_BODY_BYTES + 1 - size;
    if (room > 0) chunks.push(room >= buf.length ? buf : buf.subarray(0, room));
    size += Math.min(room > 0 ? room : 0, buf.length);
  }
  return Buffer.concat(chunks);
}

/**
 * The request target as a URL. An origin-form target (`/path?query`) is always a path, even when it
 * starts with `//` (which URL resolution would read as a host: `//[` threw, `//evil/v1/tasks`
 * became /v1/tasks); an absolute-form target (`http://host/path`) keeps its path; anything else
 * is read as a path (and routes nowhere).
 */
function targetUrl(target: string): URL {
  if (!target.startsWith('/')) {
    try {
      return new URL(target);
    } catch {
      /* not a URL: read it as a path */
    }
  }
  return new URL(`http://localhost${target.startsWith('/') ? '' : '/'}${target}`);
}

function proxyEventOf(req: IncomingMessage, body: Buffer, sourceIp: string): APIGatewayProxyEvent {
  const url = targetUrl(req.url ?? '/');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  return {
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('base64') : null,
    isBase64Encoded: true,
    resource: url.pathname,
    requestContext: { identity: { sourceIp } } as APIGatewayProxyEvent['requestContext'],
  };
}

export async function startLocalApi(options: { readonly handler: ApiHandler; readonly port?: number; readonly host?: string }): Promise<LocalApiServer> {
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const sourceIp = req.socket.remoteAddress ?? '';
    readBody(req)
      .then((body) => options.handler(proxyEventOf(req, body, sourceIp)))
      .then((result) => {
        res.writeHead(result.statusCode, result.headers as Record<string, string>);
        res.end(result.body);
      })
      .catch((err: Error) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: `The local API server failed: ${err.message}`, request_id: '' } }));
      });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
