/**
 * Delivery from rules to targets through the real SDK and server: local functions (the exact
 * EventBridge event), local queues with Lambda-style consumers (partial batch failures, redelivery,
 * redrive to a DLQ), retry policies with the target's dead-letter queue, API destinations on a real
 * local HTTP server, scheduled rules and bus-to-bus targets.
 */
import {
  type ApiDestinationHttpMethod,
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
  type Target,
} from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { backoffDelay } from './delivery';
import type { EventBridgeEvent } from './model';
import { startRecorder, startTestBus, waitFor, type Recorder, type TestBus } from './testing/harness';

let t: TestBus;
let recorder: Recorder;
const ACCOUNT = '000000000000';
const ARN = `arn:aws:events:us-east-1:${ACCOUNT}`;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

beforeAll(async () => {
  t = await startTestBus();
  recorder = await startRecorder();
});
afterAll(async () => {
  await t.stop();
  await recorder.close();
});

/** A rule matching `source` (and detail-type when given) with these targets. */
async function rule(name: string, source: string, targets: Target[], extra: { detailType?: string; bus?: string } = {}): Promise<string> {
  const pattern = { source: [source], ...(extra.detailType ? { 'detail-type': [extra.detailType] } : {}) };
  const { RuleArn } = await t.client.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), EventBusName: extra.bus }));
  await t.client.send(new PutTargetsCommand({ Rule: name, EventBusName: extra.bus, Targets: targets }));
  return RuleArn!;
}

async function put(...entries: PutEventsRequestEntry[]): Promise<string[]> {
  const out = await t.client.send(new PutEventsCommand({ Entries: entries }));
  expect(out.FailedEntryCount).toBe(0);
  return out.Entries!.map((e) => e.EventId!);
}

describe('function targets', () => {
  it('get the exact EventBridge event, asynchronously', async () => {
    const got: { event: EventBridgeEvent; functionName: string }[] = [];
    t.bus.registerFunction('shape', async (event: EventBridgeEvent, context) => {
      got.push({ event, functionName: context.functionName });
    });
    await rule('shape-rule', 'abca.shape', [{ Id: 'f', Arn: fnArn('shape') }]);
    const [id] = await put({
      Source: 'abca.shape',
      DetailType: 'TaskSubmitted',
      Detail: JSON.stringify({ taskId: 't-1', nested: { n: 1, list: [true, null] } }),
      Time: new Date('2024-05-06T07:08:09.123Z'),
      Resources: ['arn:aws:abca:::task/t-1'],
    });
    await t.bus.idle();
    expect(got).toHaveLength(1);
    expect(got[0]!.functionName).toBe('shape');
    expect(got[0]!.event).toStrictEqual({
      version: '0',
      id,
      'detail-type': 'TaskSubmitted',
      source: 'abca.shape',
      account: ACCOUNT,
      time: '2024-05-06T07:08:09Z',
      region: 'us-east-1',
      resources: ['arn:aws:abca:::task/t-1'],
      detail: { taskId: 't-1', nested: { n: 1, list: [true, null] } },
    });
  });

  it('receive nothing from disabled rules or from events that do not match', async () => {
    const got: unknown[] = [];
    t.bus.registerFunction('picky', (e: unknown) => void got.push(e));
    await rule('picky-rule', 'abca.picky', [{ Id: 'f', Arn: fnArn('picky') }], { detailType: 'Wanted' });
    await put({ Source: 'abca.picky', DetailType: 'Other', Detail: '{}' }, { Source: 'abca.other', DetailType: 'Wanted', Detail: '{}' });
    await t.client.send(new PutRuleCommand({ Name: 'picky-rule', EventPattern: '{"source":["abca.picky"]}', State: 'DISABLED' }));
    await put({ Source: 'abca.picky', DetailType: 'Wanted', Detail: '{}' });
    await t.bus.idle();
    expect(got).toEqual([]);
  });

  it('get Input or InputPath instead of the event when the target says so', async () => {
    const got: Record<string, unknown> = {};
    t.bus.registerFunction('constant', (e: unknown) => void (got.constant = e));
    t.bus.registerFunction('path', (e: unknown) => void (got.path = e));
    await rule('input-rule', 'abca.input', [
      { Id: 'c', Arn: fnArn('constant'), Input: '{"fixed":true}' },
      { Id: 'p', Arn: fnArn('path'), InputPath: '$.detail.data' },
    ]);
    await put({ Source: 'abca.input', DetailType: 'x', Detail: '{"data":{"taskId":"t-9"}}' });
    await t.bus.idle();
    expect(got).toEqual({ constant: { fixed: true }, path: { taskId: 't-9' } });
  });
});

describe('queue targets', () => {
  it('store messages before PutEvents answers, then feed the consumer: partial batch failure → redelivery → DLQ after maxReceiveCount', async () => {
    await rule('work-rule', 'abca.work', [{ Id: 'q', Arn: queueArn('work') }]);
    await put(...['a', 'b', 'c'].map((id) => ({ Source: 'abca.work', DetailType: 'Job', Detail: JSON.stringify({ id }) })));
    // Stored before the answer, in arrival order, not yet consumed.
    expect((await t.bus.peekQueue('work')).map((m) => (JSON.parse(m.body) as EventBridgeEvent & { detail: { id: string } }).detail.id)).toEqual(['a', 'b', 'c']);

    const batches: { id: string; count: string }[][] = [];
    const firstRecords: SQSEvent['Records'] = [];
    const seen = new Map<string, number>();
    await t.bus.registerQueueConsumer(
      'work',
      async (event: SQSEvent): Promise<SQSBatchResponse> => {
        if (!firstRecords.length) firstRecords.push(...event.Records);
        const batch = event.Records.map((r) => ({ id: (JSON.parse(r.body) as { detail: { id: string } }).detail.id, count: r.attributes.ApproximateReceiveCount, messageId: r.messageId }));
        batches.push(batch.map(({ id, count }) => ({ id, count })));
        const failures = batch.filter((m) => {
          const n = (seen.get(m.id) ?? 0) + 1;
          seen.set(m.id, n);
          return m.id === 'b' || (m.id === 'c' && n === 1); // b always fails, c fails once
        });
        return { batchItemFailures: failures.map((m) => ({ itemIdentifier: m.messageId })) };
      },
      { batchSize: 10, visibilityTimeoutMs: 30, maxReceiveCount: 2, deadLetterQueue: 'work-dlq' },
    );
    const dead: SQSEvent['Records'] = [];
    await t.bus.registerQueueConsumer('work-dlq', async (event: SQSEvent) => void dead.push(...event.Records), { visibilityTimeoutMs: 30 });
    await t.bus.idle();

    expect(batches[0]).toEqual([
      { id: 'a', count: '1' },
      { id: 'b', count: '1' },
      { id: 'c', count: '1' },
    ]);
    expect(batches[1]).toEqual([
      { id: 'b', count: '2' },
      { id: 'c', count: '2' },
    ]);
    expect(batches).toHaveLength(2); // b's third receive moved it to the DLQ instead
    expect(dead).toHaveLength(1);
    expect((JSON.parse(dead[0]!.body) as { detail: { id: string } }).detail.id).toBe('b');
    expect(dead[0]!.attributes.DeadLetterQueueSourceArn).toBe(queueArn('work'));
    expect(dead[0]!.eventSourceARN).toBe(queueArn('work-dlq'));
    expect(await t.bus.peekQueue('work')).toEqual([]);

    const r = firstRecords[0]!;
    expect(r).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: queueArn('work'), awsRegion: 'us-east-1', messageAttributes: {} });
    expect(r.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(r.receiptHandle).toEqual(expect.any(String));
    expect(r.attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: ACCOUNT, SentTimestamp: expect.stringMatching(/^\d+$/) });
    const body = JSON.parse(r.body) as EventBridgeEvent;
    expect(body).toMatchObject({ version: '0', source: 'abca.work', 'detail-type': 'Job', detail: { id: 'a' } });
  });

  it('redeliver the whole batch when the consumer throws', async () => {
    await rule('throw-rule', 'abca.throw', [{ Id: 'q', Arn: queueArn('throwing') }]);
    await put({ Source: 'abca.throw', DetailType: 'x', Detail: '{"n":1}' }, { Source: 'abca.throw', DetailType: 'x', Detail: '{"n":2}' });
    let calls = 0;
    const sizes: number[] = [];
    await t.bus.registerQueueConsumer(
      'throwing',
      async (event: SQSEvent) => {
        sizes.push(event.Records.length);
        if (++calls === 1) throw new Error('boom');
      },
      { visibilityTimeoutMs: 20 },
    );
    await t.bus.idle();
    expect(sizes).toEqual([2, 2]);
    expect(t.logs.some((l) => l.level === 'warn' && l.message.includes('queue consumer failed'))).toBe(true);
  });

  it('respect batchSize', async () => {
    await rule('batch-rule', 'abca.batch', [{ Id: 'q', Arn: queueArn('batched') }]);
    await put(...Array.from({ length: 5 }, (_, i) => ({ Source: 'abca.batch', DetailType: 'x', Detail: JSON.stringify({ i }) })));
    const sizes: number[] = [];
    await t.bus.registerQueueConsumer('batched', async (event: SQSEvent) => void sizes.push(event.Records.length), { batchSize: 2 });
    await t.bus.idle();
    expect(sizes).toEqual([2, 2, 1]);
  });
});

describe('retry policy and the target dead-letter queue', () => {
  it('retries a failing function MaximumRetryAttempts times, then sends the event to the DLQ with AWS attributes', async () => {
    let calls = 0;
    t.bus.registerFunction('always-fails', () => {
      calls++;
      throw new Error('downstream unavailable');
    });
    const ruleArn = await rule('retry-rule', 'abca.retry', [
      { Id: 'f', Arn: fnArn('always-fails'), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: queueArn('retry-dlq') } },
    ]);
    const [id] = await put({ Source: 'abca.retry', DetailType: 'x', Detail: '{"k":"v"}' });
    await t.bus.idle();
    expect(calls).toBe(3); // the first attempt and 2 retries
    const dlq = await t.bus.peekQueue('retry-dlq');
    expect(dlq).toHaveLength(1);
    const body = JSON.parse(dlq[0]!.body) as EventBridgeEvent;
    expect(body).toMatchObject({ id, source: 'abca.retry', detail: { k: 'v' } });
    const attrs = Object.fromEntries(Object.entries(dlq[0]!.messageAttributes).map(([k, v]) => [k, v.stringValue]));
    expect(attrs).toEqual({
      RULE_ARN: ruleArn,
      TARGET_ARN: fnArn('always-fails'),
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: 'Error: downstream unavailable',
      RETRY_ATTEMPTS: '2',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
    });
    expect(dlq[0]!.messageAttributes.ERROR_CODE).toEqual({ dataType: 'String', stringValue: 'ERROR_FROM_TARGET' });
  });

  it('stops retrying once a retry succeeds', async () => {
    let calls = 0;
    t.bus.registerFunction('flaky', () => {
      if (++calls < 3) throw new Error('not yet');
    });
    await rule('flaky-rule', 'abca.flaky', [{ Id: 'f', Arn: fnArn('flaky'), RetryPolicy: { MaximumRetryAttempts: 5 }, DeadLetterConfig: { Arn: queueArn('flaky-dlq') } }]);
    await put({ Source: 'abca.flaky', DetailType: 'x', Detail: '{}' });
    await t.bus.idle();
    expect(calls).toBe(3);
    expect(await t.bus.peekQueue('flaky-dlq')).toEqual([]);
  });

  it('drops the event with an error log when the target has no DLQ', async () => {
    t.bus.registerFunction('no-dlq', () => {
      throw new Error('nope');
    });
    await rule('nodlq-rule', 'abca.nodlq', [{ Id: 'f', Arn: fnArn('no-dlq'), RetryPolicy: { MaximumRetryAttempts: 0 } }]);
    const [id] = await put({ Source: 'abca.nodlq', DetailType: 'x', Detail: '{}' });
    await t.bus.idle();
    expect(t.logs).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('event dropped'), fields: expect.objectContaining({ eventId: id }) }));
  });

  it('gives up when the next retry would exceed MaximumEventAgeInSeconds', async () => {
    const slow = await startTestBus({ retryBaseDelayMs: 200_000 }); // first retry at ≥ 100 s > 60 s
    try {
      slow.bus.registerFunction('old', () => {
        throw new Error('down');
      });
      await slow.client.send(new PutRuleCommand({ Name: 'age', EventPattern: '{"source":["abca.age"]}' }));
      await slow.client.send(
        new PutTargetsCommand({
          Rule: 'age',
          Targets: [{ Id: 'f', Arn: fnArn('old'), RetryPolicy: { MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: queueArn('age-dlq') } }],
        }),
      );
      await slow.client.send(new PutEventsCommand({ Entries: [{ Source: 'abca.age', DetailType: 'x', Detail: '{}' }] }));
      await slow.bus.idle();
      const [msg] = await slow.bus.peekQueue('age-dlq');
      expect(msg!.messageAttributes.EXHAUSTED_RETRY_CONDITION!.stringValue).toBe('MaximumEventAgeInSeconds');
      expect(msg!.messageAttributes.RETRY_ATTEMPTS!.stringValue).toBe('0');
    } finally {
      await slow.stop();
    }
  });

  it('backs off exponentially with jitter from the base delay', () => {
    for (let retry = 0; retry < 5; retry++) {
      const d = backoffDelay(1000, retry);
      expect(d).toBeGreaterThanOrEqual(500 * 2 ** retry);
      expect(d).toBeLessThanOrEqual(1000 * 2 ** retry);
    }
    expect(backoffDelay(1000, 40)).toBeLessThanOrEqual(300_000);
  });
});

describe('API destinations', () => {
  async function destination(name: string, auth: 'API_KEY' | 'BASIC', path: string, method: ApiDestinationHttpMethod = 'POST'): Promise<string> {
    const conn = await t.client.send(
      new CreateConnectionCommand({
        Name: `${name}-conn`,
        AuthorizationType: auth,
        AuthParameters:
          auth === 'API_KEY'
            ? { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k-123' }, InvocationHttpParameters: { HeaderParameters: [{ Key: 'x-team', Value: 'abca' }] } }
            : { BasicAuthParameters: { Username: 'user', Password: 'pass' } },
      }),
    );
    const dest = await t.client.send(
      new CreateApiDestinationCommand({ Name: name, ConnectionArn: conn.ConnectionArn, InvocationEndpoint: `${recorder.url}${path}`, HttpMethod: method }),
    );
    return dest.ApiDestinationArn!;
  }

  it('POST a Slack-style message built by an input transformer, with the API key header', async () => {
    const arn = await destination('slack', 'API_KEY', '/services/T000/B000');
    await rule('slack-rule', 'abca.notify', [
      {
        Id: 'slack',
        Arn: arn,
        InputTransformer: {
          InputPathsMap: { taskId: '$.detail.data.taskId', status: '$.detail-type', repo: '$.detail.data.repo', url: '$.detail.data.prUrl', attempts: '$.detail.data.attempts' },
          InputTemplate:
            '{"text": "Task <taskId> on <repo>: <status>", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*<status>* <url>"}}], "attempts": <attempts>, "rule": "<aws.events.rule-name>"}',
        },
      },
    ]);
    const before = recorder.requests.length;
    await put({
      Source: 'abca.notify',
      DetailType: 'TaskCompleted',
      Detail: JSON.stringify({ data: { taskId: 't-42', repo: 'org/repo "x"', prUrl: 'https://git.example/pr/7', attempts: 2 } }),
    });
    await t.bus.idle();
    const req = recorder.requests[before]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/services/T000/B000');
    expect(req.headers['x-api-key']).toBe('k-123');
    expect(req.headers['x-team']).toBe('abca');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req.body)).toEqual({
      text: 'Task t-42 on org/repo "x": TaskCompleted',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*TaskCompleted* https://git.example/pr/7' } }],
      attempts: 2,
      rule: 'slack-rule',
    });
  });

  it('send BASIC auth and the target HttpParameters; retry 5xx until a 2xx', async () => {
    const arn = await destination('hook', 'BASIC', '/tasks/*/events', 'PUT');
    await rule('hook-rule', 'abca.hook', [
      { Id: 'h', Arn: arn, HttpParameters: { PathParameterValues: ['t-1'], HeaderParameters: { 'x-extra': 'yes' }, QueryStringParameters: { v: '2' } }, RetryPolicy: { MaximumRetryAttempts: 3 } },
    ]);
    recorder.respondWith(500, 503);
    const before = recorder.requests.length;
    await put({ Source: 'abca.hook', DetailType: 'x', Detail: '{"a":1}' });
    await t.bus.idle();
    const reqs = recorder.requests.slice(before);
    expect(reqs).toHaveLength(3);
    expect(reqs[2]!.method).toBe('PUT');
    expect(reqs[2]!.url).toBe('/tasks/t-1/events?v=2');
    expect(reqs[2]!.headers.authorization).toBe(`Basic ${Buffer.from('user:pass').toString('base64')}`);
    expect(reqs[2]!.headers['x-extra']).toBe('yes');
    expect(JSON.parse(reqs[2]!.body)).toMatchObject({ source: 'abca.hook', detail: { a: 1 } });
  });

  it('do not retry a 4xx: the event goes straight to the DLQ', async () => {
    const arn = await destination('strict', 'API_KEY', '/strict');
    await rule('strict-rule', 'abca.strict', [{ Id: 's', Arn: arn, RetryPolicy: { MaximumRetryAttempts: 5 }, DeadLetterConfig: { Arn: queueArn('strict-dlq') } }]);
    recorder.respondWith(400);
    const before = recorder.requests.length;
    await put({ Source: 'abca.strict', DetailType: 'x', Detail: '{}' });
    await t.bus.idle();
    expect(recorder.requests.length - before).toBe(1);
    const [msg] = await t.bus.peekQueue('strict-dlq');
    expect(msg!.messageAttributes.ERROR_CODE!.stringValue).toBe('SDK_CLIENT_ERROR');
    expect(msg!.messageAttributes.ERROR_MESSAGE!.stringValue).toContain('400');
    expect(msg!.messageAttributes.RETRY_ATTEMPTS!.stringValue).toBe('0');
    expect(msg!.messageAttributes.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
  });

  it('fetch an OAuth client-credentials token and send it as a bearer token', async () => {
    const server = await startRecorder((req) =>
      req.url === '/oauth/token' ? { status: 200, body: JSON.stringify({ access_token: 'tok-1', expires_in: 3600 }) } : undefined,
    );
    try {
      const conn = await t.client.send(
        new CreateConnectionCommand({
          Name: 'oauth-conn',
          AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
          AuthParameters: {
            OAuthParameters: {
              ClientParameters: { ClientID: 'id', ClientSecret: 'secret' },
              AuthorizationEndpoint: `${server.url}/oauth/token`,
              HttpMethod: 'POST',
              OAuthHttpParameters: { BodyParameters: [{ Key: 'scope', Value: 'events' }] },
            },
          },
        }),
      );
      const dest = await t.client.send(new CreateApiDestinationCommand({ Name: 'oauth', ConnectionArn: conn.ConnectionArn, InvocationEndpoint: `${server.url}/in`, HttpMethod: 'POST' }));
      await rule('oauth-rule', 'abca.oauth', [{ Id: 'o', Arn: dest.ApiDestinationArn }]);
      await put({ Source: 'abca.oauth', DetailType: 'x', Detail: '{}' }, { Source: 'abca.oauth', DetailType: 'y', Detail: '{}' });
      await t.bus.idle();
      const token = server.requests.filter((r) => r.url === '/oauth/token');
      expect(token).toHaveLength(1); // cached for the second delivery
      expect(token[0]!.headers.authorization).toBe(`Basic ${Buffer.from('id:secret').toString('base64')}`);
      expect(new URLSearchParams(token[0]!.body).get('grant_type')).toBe('client_credentials');
      expect(new URLSearchParams(token[0]!.body).get('scope')).toBe('events');
      const calls = server.requests.filter((r) => r.url === '/in');
      expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    } finally {
      await server.close();
    }
  });

  it('count a refused connection as a failed delivery', async () => {
    const closed = await startRecorder();
    await closed.close();
    const conn = await t.client.send(new CreateConnectionCommand({ Name: 'down-conn', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } } }));
    const dest = await t.client.send(new CreateApiDestinationCommand({ Name: 'down', ConnectionArn: conn.ConnectionArn, InvocationEndpoint: closed.url, HttpMethod: 'POST' }));
    await rule('down-rule', 'abca.down', [{ Id: 'd', Arn: dest.ApiDestinationArn, RetryPolicy: { MaximumRetryAttempts: 1 }, DeadLetterConfig: { Arn: queueArn('down-dlq') } }]);
    await put({ Source: 'abca.down', DetailType: 'x', Detail: '{}' });
    await t.bus.idle();
    const [msg] = await t.bus.peekQueue('down-dlq');
    expect(msg!.messageAttributes.ERROR_CODE!.stringValue).toBe('CONNECTION_FAILURE');
    expect(msg!.messageAttributes.RETRY_ATTEMPTS!.stringValue).toBe('1');
  });
});

describe('scheduled rules and bus targets', () => {
  it('fire a scheduled rule with the Scheduled Event shape', async () => {
    const got: EventBridgeEvent[] = [];
    t.bus.registerFunction('tick', (e: EventBridgeEvent) => void got.push(e));
    const { RuleArn } = await t.client.send(new PutRuleCommand({ Name: 'every-5', ScheduleExpression: 'rate(5 minutes)' }));
    await t.client.send(new PutTargetsCommand({ Rule: 'every-5', Targets: [{ Id: 't', Arn: fnArn('tick') }] }));
    await t.bus.triggerScheduledRule('every-5');
    await t.bus.idle();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ version: '0', source: 'aws.events', 'detail-type': 'Scheduled Event', resources: [RuleArn], detail: {}, account: ACCOUNT, region: 'us-east-1' });
  });

  it('forward events to another bus whose rules deliver them', async () => {
    await t.client.send(new CreateEventBusCommand({ Name: 'downstream' }));
    const got: EventBridgeEvent[] = [];
    t.bus.registerFunction('downstream-fn', (e: EventBridgeEvent) => void got.push(e));
    await rule('down-bus-rule', 'abca.fwd', [{ Id: 'f', Arn: fnArn('downstream-fn') }], { bus: 'downstream' });
    await rule('fwd-rule', 'abca.fwd', [{ Id: 'b', Arn: `${ARN}:event-bus/downstream` }]);
    await put({ Source: 'abca.fwd', DetailType: 'x', Detail: '{"hop":1}' });
    await waitFor(() => got.length === 1, undefined, 'forwarded event');
    await t.bus.idle();
    expect(got[0]).toMatchObject({ source: 'abca.fwd', detail: { hop: 1 } });
  });
});
