/**
 * A local stand-in for the Anthropic Messages API, for running the real Claude Agent SDK (and the
 * Claude Code binary it starts) offline: point ANTHROPIC_BASE_URL at `server.url`.
 *
 * The agent loop's requests are answered from a SCRIPT, one scripted turn per request (text and/or
 * tool_use blocks), streamed as server-sent events exactly as the API does (message_start,
 * content_block_start / delta / stop with text_delta or input_json_delta, message_delta with the
 * stop reason and usage, message_stop), or as one JSON message when the client does not ask for a
 * stream. Every request is recorded (headers, body, model, message count, tools offered) for
 * assertions.
 *
 * Besides the agent loop, Claude Code (2.1.x) sends, unless CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC
 * is set: `HEAD /api/hello` (a connectivity check) and a session-title request (`POST /v1/messages`
 * without tools, streamed). It may also call `POST /v1/messages/count_tokens`. None of them may
 * consume the script, so a request is "main" only when it offers tools (override with `isMain`);
 * auxiliary ones get a short text answer, count_tokens a rough estimate, /api/hello a 200, anything
 * else a 404 in the API's error format. All of them are recorded. Requests arrive as
 * `/v1/messages?beta=true`; the query string is recorded apart from the path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_use'; readonly name: string; readonly input: Record<string, unknown>; readonly id?: string };

type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';

interface Usage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
}

export interface ScriptTurn {
  readonly content: readonly ScriptBlock[];
  /** Default: 'tool_use' when the turn holds a tool_use block, else 'end_turn'. */
  readonly stopReason?: StopReason;
  /** Default: 100 input tokens, 20 output tokens. */
  readonly usage?: Usage;
  /** Wait this long before answering (to open a window for a nudge, a cancel, a timeout). */
  readonly delayMs?: number;
}

/** Helpers to write scripts: `turn(toolUse('Write', {...}))`, `turn(text('done'))`. */
export const text = (t: string): ScriptBlock => ({ type: 'text', text: t });
export const toolUse = (name: string, input: Record<string, unknown>, id?: string): ScriptBlock =>
  id === undefined ? { type: 'tool_use', name, input } : { type: 'tool_use', name, input, id };
export const turn = (...content: ScriptBlock[]): ScriptTurn => ({ content });

type RequestKind = 'main' | 'auxiliary' | 'count_tokens' | 'other';

export interface RecordedRequest {
  readonly seq: number;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, as received. */
  readonly raw: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  readonly body: MessagesRequestBody | undefined;
  readonly kind: RequestKind;
  readonly model?: string;
  readonly stream?: boolean;
  readonly messageCount?: number;
  /** Names of the tools offered. */
  readonly tools?: readonly string[];
  /** For main requests: the index of the script turn that answered (undefined once exhausted). */
  readonly turnIndex?: number;
}

/** The part of a Messages API request body the server looks at. */
interface MessagesRequestBody {
  readonly model?: string;
  readonly stream?: boolean;
  readonly max_tokens?: number;
  readonly system?: unknown;
  readonly messages?: readonly { readonly role: string; readonly content: unknown }[];
  readonly tools?: readonly { readonly name?: string; readonly type?: string }[];
  readonly [key: string]: unknown;
}

export interface MessagesServerOptions {
  readonly script: readonly ScriptTurn[];
  /** Which /v1/messages requests consume the script. Default: those that offer tools. */
  readonly isMain?: (body: MessagesRequestBody) => boolean;
  /** The answer to auxiliary requests. Default: 'Scripted session'. */
  readonly auxiliaryText?: string;
  /** When the script is exhausted: answer with a final text turn (default) or an API error (500). */
  readonly whenExhausted?: 'text' | 'error';
  readonly port?: number;
}

export interface MessagesServer {
  /** Base URL for ANTHROPIC_BASE_URL (no trailing slash, no /v1). */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** The agent loop's requests (those that consumed, or tried to consume, the script). */
  mainRequests(): RecordedRequest[];
  /** Everything else: auxiliary model calls, count_tokens, unknown endpoints. */
  otherRequests(): RecordedRequest[];
  /** How many script turns have been served. */
  turnsServed(): number;
  close(): Promise<void>;
}

export async function startMessagesServer(options: MessagesServerOptions): Promise<MessagesServer> {
  const requests: RecordedRequest[] = [];
  const isMain = options.isMain ?? ((b: MessagesRequestBody) => Array.isArray(b.tools) && b.tools.length > 0);
  let next = 0;
  let ids = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const [path, query = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
    let body: MessagesRequestBody | undefined;
    try {
      body = raw ? (JSON.parse(raw) as MessagesRequestBody) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const base = { seq: requests.length, method: req.method ?? 'GET', path, query, headers, raw, body };

    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      requests.push({ ...base, kind: 'count_tokens', ...describe(body) });
      return json(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
    }
    if (req.method === 'POST' && path === '/v1/messages' && body) {
      const main = isMain(body);
      const turnIndex = main && next < options.script.length ? next++ : undefined;
      requests.push({ ...base, kind: main ? 'main' : 'auxiliary', ...describe(body), ...(turnIndex !== undefined ? { turnIndex } : {}) });
      let scripted: ScriptTurn;
      if (!main) scripted = { content: [text(options.auxiliaryText ?? 'Scripted session')], usage: { input_tokens: 10, output_tokens: 5 } };
      else if (turnIndex !== undefined) scripted = options.script[turnIndex]!;
      else if (options.whenExhausted === 'error') return json(res, 500, apiError('api_error', 'the test script is exhausted'));
      else scripted = { content: [text('(script exhausted)')] };
      if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
      const message = toMessage(scripted, body.model ?? 'claude-test', () => `toolu_scripted_${++ids}`);
      if (body.stream) return sse(res, message);
      return json(res, 200, message);
    }
    requests.push({ ...base, kind: 'other', ...describe(body) });
    // Claude Code's connectivity check (sent unless non-essential traffic is disabled).
    if (path === '/api/hello') return json(res, 200, {});
    return json(res, 404, apiError('not_found_error', `${req.method} ${path} is not served by the test server`));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, apiError('api_error', String(err)));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    mainRequests: () => requests.filter((r) => r.kind === 'main'),
    otherRequests: () => requests.filter((r) => r.kind !== 'main'),
    turnsServed: () => next,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The text of the last user message of a request (string content, text blocks and tool results). */
export function lastUserText(r: RecordedRequest): string {
  const messages = r.body?.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return last ? flatten(last.content) : '';
}

function flatten(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(flatten).join('\n');
  if (content && typeof content === 'object') {
    const block = content as { type?: string; text?: unknown; content?: unknown };
    if (block.type === 'text') return String(block.text ?? '');
    if (block.type === 'tool_result') return flatten(block.content);
  }
  return '';
}

function describe(body: MessagesRequestBody | undefined): Partial<RecordedRequest> {
  if (!body) return {};
  return {
    ...(body.model !== undefined ? { model: body.model } : {}),
    stream: body.stream === true,
    messageCount: Array.isArray(body.messages) ? body.messages.length : 0,
    tools: Array.isArray(body.tools) ? body.tools.map((t) => t.name ?? t.type ?? '?') : [],
  };
}

interface ApiMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> })[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: Required<Usage>;
}

function toMessage(scripted: ScriptTurn, model: string, newId: () => string): ApiMessage {
  const content = scripted.content.map((b) => (b.type === 'text' ? { type: 'text' as const, text: b.text } : { type: 'tool_use' as const, id: b.id ?? newId(), name: b.name, input: b.input }));
  const usage = scripted.usage ?? { input_tokens: 100, output_tokens: 20 };
  return {
    id: `msg_scripted_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: scripted.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage },
  };
}

/** Streams a message as the Messages API does. Text and tool input are split into a few deltas. */
function sse(res: ServerResponse, message: ApiMessage): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': `req_${message.id}` });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('message_start', {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  send('ping', { type: 'ping' });
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of chunks(block.text)) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      for (const piece of chunks(JSON.stringify(block.input))) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

function chunks(s: string): string[] {
  if (s.length === 0) return [''];
  const size = Math.max(1, Math.ceil(s.length / 3));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'request-id': `req_${Date.now()}` });
  res.end(data);
}

function apiError(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
