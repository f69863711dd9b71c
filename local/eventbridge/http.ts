/**
 * The HTTP face: `POST /` with `X-Amz-Target: AWSEvents.<Operation>` and a JSON body
 * (`application/x-amz-json-1.1`), answered with JSON or AWS's error shape. Signatures are not
 * checked. `GET /health` answers 200 for launchers.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApiError, internal, serialization, unknownOperation } from './errors';
import type { Log } from './log';
import { OPERATIONS, type ApiContext } from './api';

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const JSON_TYPE = 'application/x-amz-json-1.1';

function send(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...extra });
  res.end(text);
}

function sendError(res: http.ServerResponse, err: ApiError): void {
  send(res, err.status, { __type: err.type, message: err.message }, { 'x-amzn-ErrorType': err.type });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(serialization(`Request body is larger than ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function createHttpServer(ctx: ApiContext, log: Log): http.Server {
  return http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log('error', 'request failed', { error: (err as Error)?.stack ?? String(err) });
      if (!res.headersSent) sendError(res, internal('Internal error.'));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/')) {
      send(res, 200, { status: 'ok', service: 'local-eventbridge' });
      return;
    }
    if (req.method !== 'POST') {
      sendError(res, new ApiError('UnknownOperationException', `Method ${req.method} is not supported; use POST / with X-Amz-Target.`, 404));
      return;
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      sendError(res, err instanceof ApiError ? err : serialization((err as Error).message));
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const m = /^AWSEvents\.(\w+)$/.exec(target);
    const op = m ? OPERATIONS[m[1]!] : undefined;
    if (!op || !Object.prototype.hasOwnProperty.call(OPERATIONS, m![1]!)) {
      sendError(res, unknownOperation(target));
      return;
    }
    let input: unknown;
    try {
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      sendError(res, serialization('The request body is not valid JSON.'));
      return;
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      sendError(res, serialization('The request body must be a JSON object.'));
      return;
    }
    try {
      const out = await op(input as Record<string, unknown>, ctx);
      send(res, 200, out ?? {});
    } catch (err) {
      if (err instanceof ApiError) {
        log('debug', 'request rejected', { operation: m![1], error: err.type, message: err.message });
        sendError(res, err);
        return;
      }
      throw err;
    }
  }
}
