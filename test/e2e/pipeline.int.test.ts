/**
 * The whole choreography on one machine: submit → admission → hydration → session (test
 * compute) → report → finalizer → COMPLETED, every hop through the outbox publisher, the local
 * EventBridge rules from the catalog, local queues and the service consumers; the views follow.
 */
import { PutRuleCommand, PutTargetsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Platform } from '../../local/platform/platform';
import { startTelemetryPublisher } from '../../agent/telemetry/telemetry-publisher';
import { kinesisClient } from '../../local/kinesis/kinesalite';
import { progressStoresOf } from '../../projections/progress-view/stores';
import { handleCommand } from '../../services/kernel/command-handler';
import { taskDecider } from '../../services/tasks/task/task-decider';
import { startTestPlatform, submit, waitUntil } from '../support/platform';

let platform: Platform;
/** Sessions of these tasks never report on their own: only a stop (or the compute's release) ends them. */
const hanging = new Set<string>();
/** A stand-in for Slack's incoming webhook: records what the bus posts. */
const slackPosts: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
const slack = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    slackPosts.push({ headers: req.headers, body });
    res.writeHead(200).end('ok');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  platform = await startTestPlatform({
    testCompute: { delayMs: 50, script: (input) => (hanging.has(input.taskId) ? { behaviour: 'hang' } : undefined) },
    slackWebhookUrl: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T000/B000/XXXX`,
  });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  slack.close();
});

test('a submitted task flows to COMPLETED with a PR, through the bus only', async () => {
  const { taskId } = await submit(platform, 'alice');
  const view = await waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v?.status === 'COMPLETED' ? v : undefined;
  }, undefined, 'task COMPLETED in the view');
  expect(view).toMatchObject({ userId: 'alice', repo: 'acme/widgets', prUrl: expect.stringContaining('/pull/'), sessionId: expect.any(String) });
  const types = (await platform.store.readStream({ type: 'Task', id: taskId })).map((e) => e.type);
  expect(types).toEqual(['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'SessionStarted', 'SessionEnded', 'TaskCompleted']);
  await waitUntil(async () => ((await platform.views.concurrencyViews.get('alice'))?.active.length === 0 ? true : undefined), undefined, 'slot released');
}, 120_000);

test('the fourth concurrent task of a user waits in the queue and runs when a slot frees', async () => {
  // The sessions hold their slots until one task has been queued (not a fixed 1.5 s, which a loaded
  // machine could outlast before the fourth was even admitted), then finish.
  const ids = ['T-BOB-1', 'T-BOB-2', 'T-BOB-3', 'T-BOB-4'];
  ids.forEach((id) => hanging.add(id));
  await Promise.all(ids.map((taskId) => submit(platform, 'bob', { taskId })));
  const historyOf = async (id: string) => (await platform.store.readStream({ type: 'Task', id })).map((e) => e.type);
  await waitUntil(async () => {
    const histories = await Promise.all(ids.map(historyOf));
    return histories.filter((types) => types.includes('SessionStarted')).length === 3 && histories.some((types) => types.includes('TaskQueued')) ? true : undefined;
  }, undefined, 'three sessions running and one task queued');
  ids.forEach((id) => hanging.delete(id));
  for (const id of ids) platform.compute.release(`s-${id}-1`);
  await waitUntil(async () => {
    const views = await Promise.all(ids.map((id) => platform.views.taskViews.get(id)));
    return views.every((v) => v?.status === 'COMPLETED') ? true : undefined;
  }, undefined, 'all four COMPLETED');
  const histories = await Promise.all(ids.map(historyOf));
  const queued = histories.filter((types) => types.includes('TaskQueued'));
  expect(queued).toHaveLength(1);
  expect(queued[0]!.slice(0, 3)).toEqual(['TaskSubmitted', 'TaskQueued', 'TaskAdmitted']);
}, 120_000);

test('cancelling a running task stops its session and ends CANCELLED', async () => {
  const taskId = 'T-CANCEL-1';
  hanging.add(taskId);
  await submit(platform, 'carol', { taskId });
  await waitUntil(async () => ((await platform.views.taskViews.get(taskId))?.status === 'RUNNING' ? true : undefined), undefined, 'RUNNING');
  await handleCommand(platform.store, taskDecider, { type: 'Task', id: taskId }, { type: 'RequestCancellation', requestedBy: 'user:carol', reason: null }, { correlationId: taskId, causationId: 'test', actor: 'user:carol', now: new Date() });
  await waitUntil(async () => ((await platform.views.taskViews.get(taskId))?.status === 'CANCELLED' ? true : undefined), undefined, 'CANCELLED');
  expect(await platform.compute.describe({ computeType: 'test', sessionId: `s-${taskId}-1` })).toBe('ended');
  const types = (await platform.store.readStream({ type: 'Task', id: taskId })).map((e) => e.type);
  expect(types.slice(-2)).toEqual(['TaskCancellationRequested', 'TaskCancelled']);
}, 120_000);

test('terminal tasks are posted to Slack by a bus rule with an API destination and an input transformer', async () => {
  const { taskId } = await submit(platform, 'dave');
  const post = await waitUntil(async () => slackPosts.find((p) => p.body.includes(taskId)), undefined, 'a Slack post for the task');
  const message = JSON.parse(post.body) as { text: string; blocks: unknown[] };
  expect(message.text).toContain(taskId);
  expect(message.text).toMatch(/TaskCompleted|completed/i);
  expect(post.body).toContain('/pull/');
  expect(Array.isArray(message.blocks)).toBe(true);
}, 120_000);

test('a third-party subscriber extends the pipeline at run time with one rule on the bus, no core change', async () => {
  const seen: Array<{ 'detail-type': string; detail: { stream: { id: string } } }> = [];
  platform.eventBridge.registerFunction('audit-trail', async (event) => void seen.push(event as never));
  const client = new EventBridgeClient({ endpoint: platform.endpoints.eventbridge_url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await client.send(new PutRuleCommand({ Name: 'audit-trail', EventBusName: 'abca', EventPattern: JSON.stringify({ source: ['abca.task'], 'detail-type': [{ prefix: 'Session' }] }) }));
  await client.send(new PutTargetsCommand({ Rule: 'audit-trail', EventBusName: 'abca', Targets: [{ Id: 'fn', Arn: platform.eventBridge.functionArn('audit-trail') }] }));
  const { taskId } = await submit(platform, 'erin');
  await waitUntil(async () => (seen.filter((e) => e.detail.stream.id === taskId).length === 2 ? true : undefined), undefined, 'SessionStarted and SessionEnded');
  expect(seen.filter((e) => e.detail.stream.id === taskId).map((e) => e['detail-type']).sort()).toEqual(['SessionEnded', 'SessionStarted']);
  client.destroy();
}, 120_000);

test('an agent streams progress and its final report through Kinesis: the progress view fills, SessionEnded is recorded', async () => {
  const taskId = 'T-TELEMETRY-1';
  hanging.add(taskId);
  await submit(platform, 'frank', { taskId });
  await waitUntil(async () => ((await platform.views.taskViews.get(taskId))?.status === 'RUNNING' ? true : undefined), undefined, 'RUNNING');
  const client = kinesisClient(platform.endpoints.kinesis_url);
  const telemetry = startTelemetryPublisher({ client, streamName: platform.telemetryStream, taskId, sessionId: `s-${taskId}-1`, heartbeatSeconds: 0, flushIntervalMs: 50 });
  telemetry.progress({ kind: 'turn', turn: 1, text: 'Reading the repository' });
  telemetry.progress({ kind: 'tool_call', tool: 'Edit', summary: 'README.md' });
  telemetry.heartbeat();
  await telemetry.finalReport({ outcome: 'success', error: null, turns: 2, costUsd: 0.12, commits: 1, prUrl: null, prNumber: null, buildPassed: true, lintPassed: null });
  await telemetry.close();
  client.destroy();

  const { progressViews, progressEvents } = progressStoresOf(platform.ports);
  const view = await waitUntil(async () => {
    const v = await progressViews.get(taskId);
    return v && v.lines.length >= 2 && v.lastHeartbeatAt ? v : undefined;
  }, undefined, 'progress view');
  expect(view.lines.map((l) => l.kind)).toEqual(['turn', 'tool_call']);
  expect((await progressEvents.listProgress(taskId, { limit: 10 })).items).toHaveLength(2);
  await waitUntil(async () => {
    const types = (await platform.store.readStream({ type: 'Task', id: taskId })).map((e) => e.type);
    return types.includes('SessionEnded') && ['TaskCompleted', 'TaskFailed'].includes(types.at(-1)!) ? true : undefined;
  }, undefined, 'SessionEnded then a terminal event');
  const ended = (await platform.store.readStream({ type: 'Task', id: taskId })).find((e) => e.type === 'SessionEnded')!;
  expect(ended.data).toMatchObject({ outcome: 'success', turns: 2, costUsd: 0.12 });
}, 120_000);
