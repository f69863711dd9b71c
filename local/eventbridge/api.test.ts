/**
 * The EventBridge API of the local EventBridge, through the real @aws-sdk/client-eventbridge:
 * each operation's happy path and its main error, with AWS's error names.
 */
import {
  CreateApiDestinationCommand,
  CreateArchiveCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeArchiveCommand,
  DescribeConnectionCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListArchivesCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
  TestEventPatternCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { startTestBus, type TestBus } from './testing/harness';

let t: TestBus;
let client: EventBridgeClient;
const ARN = 'arn:aws:events:us-east-1:000000000000';
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

beforeAll(async () => {
  t = await startTestBus();
  client = t.client;
});
afterAll(() => t.stop());

/** The error a command rejects with (fails the test if it resolves). */
async function errorOf(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

describe('PutEvents', () => {
  it('accepts entries and answers an EventId per entry', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'abca.test', DetailType: 'A', Detail: '{"n":1}' },
          { Source: 'abca.test', DetailType: 'B', Detail: '{}', Time: new Date('2024-01-02T03:04:05Z'), Resources: ['arn:x'] },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(2);
    for (const e of out.Entries!) expect(e.EventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fails bad entries one by one, in request order, and accepts the others', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'abca.test', DetailType: 'ok', Detail: '{"a":1}' },
          { DetailType: 'x', Detail: '{}' },
          { Source: 'abca.test', Detail: '{}' },
          { Source: 'abca.test', DetailType: 'x', Detail: 'not json' },
          { Source: 'abca.test', DetailType: 'x', Detail: '[1,2]' },
          { Source: 'abca.test', DetailType: 'x', Detail: '{}', EventBusName: 'no-such-bus' },
          { Source: 'aws.ec2', DetailType: 'x', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(6);
    const e = out.Entries!;
    expect(e[0]!.EventId).toBeDefined();
    expect(e[1]).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' });
    expect(e[2]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('DetailType') });
    expect(e[3]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(e[4]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(e[5]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('no-such-bus') });
    expect(e[6]).toMatchObject({ ErrorCode: 'NotAuthorizedForSourceException' });
  });

  it('refuses more than 10 entries and more than 256 KB with ValidationException', async () => {
    const entry = { Source: 'abca.test', DetailType: 'x', Detail: '{}' };
    const many = await errorOf(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })));
    expect(many.name).toBe('ValidationException');
    expect(many.$metadata?.httpStatusCode).toBe(400);
    const big = JSON.stringify({ s: 'x'.repeat(140 * 1024) });
    const large = await errorOf(client.send(new PutEventsCommand({ Entries: [{ ...entry, Detail: big }, { ...entry, Detail: big }] })));
    expect(large.name).toBe('ValidationException');
  });
});

describe('rules', () => {
  it('PutRule / DescribeRule round-trip on the default and on a custom bus', async () => {
    const pattern = JSON.stringify({ source: ['abca.task'], 'detail-type': ['TaskSubmitted'] });
    const put = await client.send(new PutRuleCommand({ Name: 'r-describe', EventPattern: pattern, Description: 'd' }));
    expect(put.RuleArn).toBe(`${ARN}:rule/r-describe`);
    const d = await client.send(new DescribeRuleCommand({ Name: 'r-describe' }));
    expect(d).toMatchObject({ Name: 'r-describe', Arn: put.RuleArn, EventPattern: pattern, State: 'ENABLED', Description: 'd', EventBusName: 'default', CreatedBy: '000000000000' });

    await client.send(new CreateEventBusCommand({ Name: 'rules-bus' }));
    const custom = await client.send(new PutRuleCommand({ Name: 'r1', EventBusName: 'rules-bus', EventPattern: pattern, State: 'DISABLED' }));
    expect(custom.RuleArn).toBe(`${ARN}:rule/rules-bus/r1`);
    const byArn = await client.send(new DescribeRuleCommand({ Name: 'r1', EventBusName: `${ARN}:event-bus/rules-bus` }));
    expect(byArn.State).toBe('DISABLED');
  });

  it('PutRule refuses invalid patterns (InvalidEventPatternException), no pattern nor schedule, unknown buses and bad schedules', async () => {
    const bad = await errorOf(client.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"abca"}' })));
    expect(bad.name).toBe('InvalidEventPatternException');
    expect(bad.message).toMatch(/^Event pattern is not valid/);
    expect((await errorOf(client.send(new PutRuleCommand({ Name: 'bad', EventPattern: 'not json' })))).name).toBe('InvalidEventPatternException');
    expect((await errorOf(client.send(new PutRuleCommand({ Name: 'bad' })))).name).toBe('ValidationException');
    expect((await errorOf(client.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{}', EventBusName: 'nope' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(client.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 minutes)' })))).name).toBe('ValidationException');
    expect((await errorOf(client.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(5 minutes)', EventBusName: 'rules-bus' })))).name).toBe('ValidationException');
    expect((await errorOf(client.send(new PutRuleCommand({ Name: 'bad name!', EventPattern: '{}' })))).name).toBe('ValidationException');
    await expect(client.send(new DescribeRuleCommand({ Name: 'bad' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('stores schedule expressions (rate and cron)', async () => {
    await client.send(new PutRuleCommand({ Name: 'sched-rate', ScheduleExpression: 'rate(5 minutes)' }));
    await client.send(new PutRuleCommand({ Name: 'sched-cron', ScheduleExpression: 'cron(0 12 * * ? *)' }));
    expect((await client.send(new DescribeRuleCommand({ Name: 'sched-cron' }))).ScheduleExpression).toBe('cron(0 12 * * ? *)');
  });

  it('ListRules filters by NamePrefix and pages with Limit / NextToken', async () => {
    for (const n of ['lr-a', 'lr-b', 'lr-c', 'lr-d', 'lr-e']) await client.send(new PutRuleCommand({ Name: n, EventPattern: '{"source":["x"]}' }));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListRulesCommand({ NamePrefix: 'lr-', Limit: 2, NextToken: token }));
      names.push(...page.Rules!.map((r) => r.Name!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(names).toEqual(['lr-a', 'lr-b', 'lr-c', 'lr-d', 'lr-e']);
    expect(pages).toBe(3);
    const err = await errorOf(client.send(new ListRulesCommand({ EventBusName: 'nope' })));
    expect(err.name).toBe('ResourceNotFoundException');
  });

  it('EnableRule / DisableRule switch the state; unknown rules are ResourceNotFoundException', async () => {
    await client.send(new PutRuleCommand({ Name: 'toggle', EventPattern: '{"source":["x"]}' }));
    await client.send(new DisableRuleCommand({ Name: 'toggle' }));
    expect((await client.send(new DescribeRuleCommand({ Name: 'toggle' }))).State).toBe('DISABLED');
    await client.send(new EnableRuleCommand({ Name: 'toggle' }));
    expect((await client.send(new DescribeRuleCommand({ Name: 'toggle' }))).State).toBe('ENABLED');
    const err = await errorOf(client.send(new EnableRuleCommand({ Name: 'missing' })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).toBe('Rule missing does not exist on EventBus default.');
    expect((await errorOf(client.send(new DisableRuleCommand({ Name: 'missing' })))).name).toBe('ResourceNotFoundException');
  });

  it('DeleteRule refuses while targets exist, then deletes', async () => {
    await client.send(new PutRuleCommand({ Name: 'del', EventPattern: '{"source":["x"]}' }));
    await client.send(new PutTargetsCommand({ Rule: 'del', Targets: [{ Id: 't1', Arn: fn('f') }] }));
    const err = await errorOf(client.send(new DeleteRuleCommand({ Name: 'del' })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe("Rule can't be deleted since it has targets.");
    await client.send(new RemoveTargetsCommand({ Rule: 'del', Ids: ['t1'] }));
    await client.send(new DeleteRuleCommand({ Name: 'del' }));
    expect((await errorOf(client.send(new DescribeRuleCommand({ Name: 'del' })))).name).toBe('ResourceNotFoundException');
    await client.send(new DeleteRuleCommand({ Name: 'del' })); // already gone: no error, as AWS
  });
});

describe('targets', () => {
  beforeAll(async () => {
    await client.send(new PutRuleCommand({ Name: 'tg', EventPattern: '{"source":["x"]}' }));
  });

  it('PutTargets / ListTargetsByRule / RemoveTargets keep every target setting', async () => {
    const target = {
      Id: 'full',
      Arn: 'arn:aws:sqs:us-east-1:000000000000:q1',
      InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"taskId": <id>}' },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' },
    };
    const out = await client.send(new PutTargetsCommand({ Rule: 'tg', Targets: [target, { Id: 'const', Arn: fn('f'), Input: '{"k":1}' }] }));
    expect(out).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    const listed = await client.send(new ListTargetsByRuleCommand({ Rule: 'tg' }));
    expect(listed.Targets).toEqual([target, { Id: 'const', Arn: fn('f'), Input: '{"k":1}' }]);
    // Same id replaces.
    await client.send(new PutTargetsCommand({ Rule: 'tg', Targets: [{ Id: 'const', Arn: fn('g') }] }));
    expect((await client.send(new ListTargetsByRuleCommand({ Rule: 'tg' }))).Targets!.find((x) => x.Id === 'const')!.Arn).toBe(fn('g'));
    const removed = await client.send(new RemoveTargetsCommand({ Rule: 'tg', Ids: ['full', 'const'] }));
    expect(removed.FailedEntryCount).toBe(0);
    expect((await client.send(new ListTargetsByRuleCommand({ Rule: 'tg' }))).Targets).toEqual([]);
  });

  it('refuses unknown rules, bad target settings and a sixth target', async () => {
    expect((await errorOf(client.send(new PutTargetsCommand({ Rule: 'nope', Targets: [{ Id: 'a', Arn: fn('f') }] })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(client.send(new ListTargetsByRuleCommand({ Rule: 'nope' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(client.send(new RemoveTargetsCommand({ Rule: 'nope', Ids: ['a'] })))).name).toBe('ResourceNotFoundException');
    const both = await errorOf(client.send(new PutTargetsCommand({ Rule: 'tg', Targets: [{ Id: 'a', Arn: fn('f'), Input: '{}', InputPath: '$.detail' }] })));
    expect(both.name).toBe('ValidationException');
    const badInput = await errorOf(client.send(new PutTargetsCommand({ Rule: 'tg', Targets: [{ Id: 'a', Arn: fn('f'), Input: '{not json' }] })));
    expect(badInput.name).toBe('ValidationException');
    const keyPlaceholder = await errorOf(
      client.send(new PutTargetsCommand({ Rule: 'tg', Targets: [{ Id: 'a', Arn: fn('f'), InputTransformer: { InputPathsMap: { k: '$.source' }, InputTemplate: '{<k>: 1}' } }] })),
    );
    expect(keyPlaceholder.name).toBe('ValidationException');
    const retry = await errorOf(client.send(new PutTargetsCommand({ Rule: 'tg', Targets: [{ Id: 'a', Arn: fn('f'), RetryPolicy: { MaximumRetryAttempts: 186 } }] })));
    expect(retry.name).toBe('ValidationException');
    const dlq = await errorOf(client.send(new PutTargetsCommand({ Rule: 'tg', Targets: [{ Id: 'a', Arn: fn('f'), DeadLetterConfig: { Arn: fn('not-a-queue') } }] })));
    expect(dlq.name).toBe('ValidationException');
    const six = await errorOf(client.send(new PutTargetsCommand({ Rule: 'tg', Targets: Array.from({ length: 6 }, (_, i) => ({ Id: `t${i}`, Arn: fn('f') })) })));
    expect(six.name).toBe('LimitExceededException');
  });
});

describe('TestEventPattern', () => {
  const event = JSON.stringify({
    id: '1',
    account: '000000000000',
    source: 'abca.task',
    time: '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    'detail-type': 'TaskSubmitted',
    detail: { repo: 'o/r' },
  });

  it('answers whether the event matches', async () => {
    expect((await client.send(new TestEventPatternCommand({ EventPattern: '{"source":["abca.task"],"detail":{"repo":["o/r"]}}', Event: event }))).Result).toBe(true);
    expect((await client.send(new TestEventPatternCommand({ EventPattern: '{"source":["other"]}', Event: event }))).Result).toBe(false);
  });

  it('refuses an invalid pattern with InvalidEventPatternException and an incomplete event with ValidationException', async () => {
    const err = await errorOf(client.send(new TestEventPatternCommand({ EventPattern: '{"source":"abca.task"}', Event: event })));
    expect(err.name).toBe('InvalidEventPatternException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    const ev = await errorOf(client.send(new TestEventPatternCommand({ EventPattern: '{"source":["a"]}', Event: '{"source":"a"}' })));
    expect(ev.name).toBe('ValidationException');
  });
});

describe('event buses', () => {
  it('has the default bus; creates, describes and lists custom buses', async () => {
    const def = await client.send(new DescribeEventBusCommand({}));
    expect(def).toMatchObject({ Name: 'default', Arn: `${ARN}:event-bus/default` });
    expect(def.CreationTime).toBeInstanceOf(Date);
    const created = await client.send(new CreateEventBusCommand({ Name: 'abca-bus', Description: 'ours' }));
    expect(created.EventBusArn).toBe(`${ARN}:event-bus/abca-bus`);
    expect(await client.send(new DescribeEventBusCommand({ Name: 'abca-bus' }))).toMatchObject({ Name: 'abca-bus', Description: 'ours' });
    expect(await client.send(new DescribeEventBusCommand({ Name: `${ARN}:event-bus/abca-bus` }))).toMatchObject({ Name: 'abca-bus' });
    const list = await client.send(new ListEventBusesCommand({ NamePrefix: 'abca' }));
    expect(list.EventBuses!.map((b) => b.Name)).toEqual(['abca-bus']);
  });

  it('refuses an existing name and describes unknown buses as ResourceNotFoundException', async () => {
    expect((await errorOf(client.send(new CreateEventBusCommand({ Name: 'default' })))).name).toBe('ResourceAlreadyExistsException');
    await client.send(new CreateEventBusCommand({ Name: 'twice' }));
    expect((await errorOf(client.send(new CreateEventBusCommand({ Name: 'twice' })))).name).toBe('ResourceAlreadyExistsException');
    expect((await errorOf(client.send(new DescribeEventBusCommand({ Name: 'nope' })))).name).toBe('ResourceNotFoundException');
  });
});

describe('archives and replays', () => {
  it('CreateArchive / DescribeArchive / ListArchives, and their errors', async () => {
    const created = await client.send(new CreateArchiveCommand({ ArchiveName: 'arch', EventSourceArn: `${ARN}:event-bus/default`, EventPattern: '{"source":["abca.task"]}', RetentionDays: 7 }));
    expect(created).toMatchObject({ ArchiveArn: `${ARN}:archive/arch`, State: 'ENABLED' });
    expect(created.CreationTime).toBeInstanceOf(Date);
    expect(await client.send(new DescribeArchiveCommand({ ArchiveName: 'arch' }))).toMatchObject({ ArchiveName: 'arch', RetentionDays: 7, EventCount: 0, SizeBytes: 0, State: 'ENABLED' });
    expect((await client.send(new ListArchivesCommand({ NamePrefix: 'ar' }))).Archives!.map((a) => a.ArchiveName)).toEqual(['arch']);
    expect((await errorOf(client.send(new CreateArchiveCommand({ ArchiveName: 'arch', EventSourceArn: `${ARN}:event-bus/default` })))).name).toBe('ResourceAlreadyExistsException');
    expect((await errorOf(client.send(new CreateArchiveCommand({ ArchiveName: 'x', EventSourceArn: `${ARN}:event-bus/nope` })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(client.send(new CreateArchiveCommand({ ArchiveName: 'x', EventSourceArn: `${ARN}:event-bus/default`, EventPattern: '[]' })))).name).toBe('InvalidEventPatternException');
    expect((await errorOf(client.send(new DescribeArchiveCommand({ ArchiveName: 'nope' })))).name).toBe('ResourceNotFoundException');
  });

  it('StartReplay and DescribeReplay refuse unknown archives, bad windows and unknown replays', async () => {
    const now = Date.now();
    const bad = (o: Partial<ConstructorParameters<typeof StartReplayCommand>[0]>) =>
      errorOf(
        client.send(
          new StartReplayCommand({
            ReplayName: 'rp',
            EventSourceArn: `${ARN}:archive/arch`,
            EventStartTime: new Date(now - 60_000),
            EventEndTime: new Date(now),
            Destination: { Arn: `${ARN}:event-bus/default` },
            ...o,
          }),
        ),
      );
    expect((await bad({ EventSourceArn: `${ARN}:archive/nope` })).name).toBe('ResourceNotFoundException');
    expect((await bad({ EventStartTime: new Date(now), EventEndTime: new Date(now - 1000) })).name).toBe('ValidationException');
    expect((await bad({ Destination: { Arn: `${ARN}:event-bus/abca-bus` } })).name).toBe('ValidationException');
    expect((await errorOf(client.send(new DescribeReplayCommand({ ReplayName: 'nope' })))).name).toBe('ResourceNotFoundException');
  });
});

describe('connections and API destinations', () => {
  it('creates and describes them, without showing secrets', async () => {
    const conn = await client.send(
      new CreateConnectionCommand({ Name: 'slack', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 's3cret' } } }),
    );
    expect(conn.ConnectionArn).toMatch(new RegExp(`^${ARN}:connection/slack/[0-9a-f-]{36}$`));
    expect(conn.ConnectionState).toBe('AUTHORIZED');
    const described = await client.send(new DescribeConnectionCommand({ Name: 'slack' }));
    expect(described.AuthParameters).toEqual({ ApiKeyAuthParameters: { ApiKeyName: 'x-api-key' } });
    expect(JSON.stringify(described)).not.toContain('s3cret');

    const dest = await client.send(
      new CreateApiDestinationCommand({ Name: 'slack-webhook', ConnectionArn: conn.ConnectionArn, InvocationEndpoint: 'https://hooks.example.com/x', HttpMethod: 'POST' }),
    );
    expect(dest.ApiDestinationArn).toMatch(new RegExp(`^${ARN}:api-destination/slack-webhook/[0-9a-f-]{36}$`));
    expect(dest.ApiDestinationState).toBe('ACTIVE');
    expect(await client.send(new DescribeApiDestinationCommand({ Name: 'slack-webhook' }))).toMatchObject({
      Name: 'slack-webhook',
      ApiDestinationArn: dest.ApiDestinationArn,
      ConnectionArn: conn.ConnectionArn,
      InvocationEndpoint: 'https://hooks.example.com/x',
      HttpMethod: 'POST',
      ApiDestinationState: 'ACTIVE',
    });
  });

  it('refuses duplicates, unknown connections and unknown destinations', async () => {
    const dup = await errorOf(
      client.send(new CreateConnectionCommand({ Name: 'slack', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } } })),
    );
    expect(dup.name).toBe('ResourceAlreadyExistsException');
    const missingAuth = await errorOf(client.send(new CreateConnectionCommand({ Name: 'c2', AuthorizationType: 'BASIC', AuthParameters: {} })));
    expect(missingAuth.name).toBe('ValidationException');
    const noConn = await errorOf(
      client.send(new CreateApiDestinationCommand({ Name: 'd2', ConnectionArn: `${ARN}:connection/nope/1`, InvocationEndpoint: 'https://x', HttpMethod: 'POST' })),
    );
    expect(noConn.name).toBe('ResourceNotFoundException');
    expect((await errorOf(client.send(new DescribeApiDestinationCommand({ Name: 'nope' })))).name).toBe('ResourceNotFoundException');
  });
});

describe('the wire', () => {
  const post = (target: string, body: string) =>
    fetch(t.bus.url, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target }, body });

  it('answers errors in AWS JSON shape, with the type in __type and x-amzn-ErrorType', async () => {
    const res = await post('AWSEvents.DescribeRule', '{"Name":"nope"}');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toEqual({ __type: 'ResourceNotFoundException', message: 'Rule nope does not exist on EventBus default.' });
  });

  it('answers UnknownOperationException for unknown targets and SerializationException for bad JSON', async () => {
    const unknown = await post('AWSEvents.LaunchRocket', '{}');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(((await (await post('Other.PutEvents', '{}')).json()) as { __type: string }).__type).toBe('UnknownOperationException');
    const bad = await post('AWSEvents.PutEvents', '{nope');
    expect(((await bad.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});
