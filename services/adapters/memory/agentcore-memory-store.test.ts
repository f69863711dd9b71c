/** The AgentCore Memory adapter against a local recording HTTP server (the real SDK client, real wire format). */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { AgentCoreMemoryStore, actorIdOf } from './agentcore-memory-store';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: Record<string, unknown>;
}
let server: Server;
let client: BedrockAgentCoreClient;
const recorded: Recorded[] = [];
let reply: (req: Recorded) => unknown = () => ({});

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const rec = { method: req.method ?? '', url: req.url ?? '', body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
    recorded.push(rec);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply(rec)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new BedrockAgentCoreClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  recorded.length = 0;
});

test('actor ids keep only letters, digits, - and _', () => {
  expect(actorIdOf('octo/widgets.js')).toBe('octo_widgets_js');
});

test('write sends CreateEvent with the repository as actor and the task as session', async () => {
  reply = () => ({ event: { memoryId: 'mem-1', actorId: 'octo_widgets', sessionId: 't-1', eventId: 'e-1', eventTimestamp: 1, payload: [], branch: { name: 'main' } } });
  await new AgentCoreMemoryStore({ client, memoryId: 'mem-1' }).write({ id: 'ep-1', repo: 'octo/widgets', taskId: 't-1', createdAt: '2025-05-01T00:00:00Z', text: 'Run npm test.' });
  expect(recorded).toHaveLength(1);
  const [rec] = recorded;
  expect(rec!.method).toBe('POST');
  expect(rec!.url).toBe('/memories/mem-1/events');
  expect(rec!.body).toMatchObject({
    actorId: 'octo_widgets',
    sessionId: 't-1',
    payload: [{ conversational: { role: 'OTHER', content: { text: 'Run npm test.' } } }],
  });
  expect(rec!.body.clientToken).toMatch(/^[0-9a-f]{64}$/);
});

test('recall sends RetrieveMemoryRecords in the repository namespace and caps the answer at maxTokens', async () => {
  reply = () => ({
    memoryRecordSummaries: [
      { memoryRecordId: 'r2', content: { text: 'b'.repeat(400) }, memoryStrategyId: 's', namespaces: ['/repos/octo_widgets'], createdAt: 1717200000, score: 0.5 },
      { memoryRecordId: 'r1', content: { text: 'Login tests need the DB.' }, memoryStrategyId: 's', namespaces: ['/repos/octo_widgets'], createdAt: 1717200000, score: 0.9 },
    ],
  });
  const items = await new AgentCoreMemoryStore({ client, memoryId: 'mem-1' }).recall('octo/widgets', 'fix login', { maxTokens: 50 });
  expect(recorded[0]!.url).toBe('/memories/mem-1/retrieve');
  expect(recorded[0]!.body).toMatchObject({ namespace: '/repos/octo_widgets', searchCriteria: { searchQuery: 'fix login', topK: 20 } });
  expect(items.map((i) => i.id)).toEqual(['r1']);
  expect(items[0]).toMatchObject({ text: 'Login tests need the DB.', score: 0.9 });
  expect(items[0]!.createdAt).toBe(new Date(1717200000 * 1000).toISOString());
});

test('an empty query recalls nothing without a call', async () => {
  expect(await new AgentCoreMemoryStore({ client, memoryId: 'mem-1' }).recall('octo/widgets', '  ', { maxTokens: 2000 })).toEqual([]);
  expect(recorded).toHaveLength(0);
});
