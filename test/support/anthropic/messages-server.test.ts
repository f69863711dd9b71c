/** The scripted Messages API server on its own (agent/harness/claude.test.ts runs Claude Code against it). */
import { lastUserText, startMessagesServer, text, toolUse, turn, type MessagesServer } from './messages-server';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)![1]!;
      const data = JSON.parse(/^data: (.*)$/m.exec(chunk)![1]!) as Record<string, unknown>;
      return { event, data };
    });
}

const post = (server: MessagesServer, path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: JSON.stringify(body) });

const mainBody = (stream: boolean, messages: unknown[] = [{ role: 'user', content: 'hi' }]) => ({
  model: 'claude-test',
  max_tokens: 100,
  stream,
  messages,
  tools: [{ name: 'Write', input_schema: { type: 'object' } }, { name: 'Bash', input_schema: { type: 'object' } }],
});

describe('messages server', () => {
  let server: MessagesServer;
  afterEach(() => server.close());

  test('streams scripted turns as server-sent events (text, and tool_use via input_json_delta)', async () => {
    server = await startMessagesServer({
      script: [turn(text('thinking about it'), toolUse('Write', { file_path: '/tmp/a.txt', content: 'x'.repeat(40) })), turn(text('done'))],
    });
    const res = await post(server, '/v1/messages?beta=true', mainBody(true));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    const names = events.map((e) => e.event).filter((n) => n !== 'content_block_delta');
    expect(names).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_stop', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events.every((e) => e.data.type === e.event)).toBe(true);
    expect(events[0]!.data.message).toMatchObject({ role: 'assistant', model: 'claude-test', content: [], stop_reason: null });

    const deltas = (index: number) => events.filter((e) => e.event === 'content_block_delta' && e.data.index === index).map((e) => e.data.delta as Record<string, string>);
    expect(deltas(0).map((d) => d.text).join('')).toBe('thinking about it');
    expect(deltas(0).every((d) => d.type === 'text_delta')).toBe(true);
    expect(deltas(1).every((d) => d.type === 'input_json_delta')).toBe(true);
    expect(deltas(1).length).toBeGreaterThan(1);
    expect(JSON.parse(deltas(1).map((d) => d.partial_json).join(''))).toEqual({ file_path: '/tmp/a.txt', content: 'x'.repeat(40) });
    const toolStart = events.find((e) => e.event === 'content_block_start' && e.data.index === 1)!;
    expect(toolStart.data.content_block).toEqual({ type: 'tool_use', id: 'toolu_scripted_1', name: 'Write', input: {} });
    const messageDelta = events.find((e) => e.event === 'message_delta')!;
    expect(messageDelta.data).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } });

    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ kind: 'main', path: '/v1/messages', query: 'beta=true', model: 'claude-test', stream: true, messageCount: 1, tools: ['Write', 'Bash'], turnIndex: 0 });
    expect(server.requests[0]!.headers['x-api-key']).toBe('k');
    expect(server.turnsServed()).toBe(1);
  });

  test('answers with one JSON message when the client does not stream; end_turn for text-only turns', async () => {
    server = await startMessagesServer({ script: [{ content: [text('done')], usage: { input_tokens: 7, output_tokens: 3 } }] });
    const res = await post(server, '/v1/messages', mainBody(false));
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'done' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 7, output_tokens: 3, cache_read_input_tokens: 0 },
    });
  });

  test('auxiliary requests (no tools), count_tokens and /api/hello do not consume the script; unknown paths get a 404', async () => {
    server = await startMessagesServer({ script: [turn(text('scripted'))], auxiliaryText: 'A title' });
    const aux = await post(server, '/v1/messages', { model: 'claude-haiku', max_tokens: 10, messages: [{ role: 'user', content: 'name this session' }] });
    expect(await aux.json()).toMatchObject({ content: [{ type: 'text', text: 'A title' }] });
    const count = await post(server, '/v1/messages/count_tokens', mainBody(false));
    expect(await count.json()).toEqual({ input_tokens: expect.any(Number) });
    expect((await fetch(`${server.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    const unknown = await fetch(`${server.url}/v1/models`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

    expect(server.turnsServed()).toBe(0);
    expect(server.otherRequests().map((r) => `${r.kind} ${r.method} ${r.path}`)).toEqual(['auxiliary POST /v1/messages', 'count_tokens POST /v1/messages/count_tokens', 'other HEAD /api/hello', 'other GET /v1/models']);
    const main = await post(server, '/v1/messages', mainBody(false));
    expect(await main.json()).toMatchObject({ content: [{ type: 'text', text: 'scripted' }] });
    expect(server.mainRequests()).toHaveLength(1);
  });

  test('an exhausted script answers with a final text, or a 500 when asked to', async () => {
    server = await startMessagesServer({ script: [] });
    expect(await (await post(server, '/v1/messages', mainBody(false))).json()).toMatchObject({ content: [{ type: 'text', text: '(script exhausted)' }], stop_reason: 'end_turn' });
    await server.close();
    server = await startMessagesServer({ script: [], whenExhausted: 'error' });
    const res = await post(server, '/v1/messages', mainBody(false));
    expect(res.status).toBe(500);
    expect(server.mainRequests()[0]!.turnIndex).toBeUndefined();
  });

  test('lastUserText flattens the last user message (text blocks and tool results)', async () => {
    server = await startMessagesServer({ script: [turn(text('ok'))] });
    await post(
      server,
      '/v1/messages',
      mainBody(false, [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'output' }] }, { type: 'text', text: 'a nudge' }] },
      ]),
    );
    expect(lastUserText(server.requests[0]!)).toBe('output\na nudge');
  });
});
