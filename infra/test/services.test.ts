/**
 * One Service per catalog entry: rule (the entry's pattern, verbatim) → encrypted queue with its
 * dead-letter queue → the entry's function, with exactly the capabilities of the entry's ports.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { capabilitiesOfEntry, QUEUE_ENTRIES, VISIBILITY_TIMEOUT_FACTOR, type Capability, type QueueEntry } from '../../services/catalog';
import { CLOUD_ENV } from '../../services/cloud/env';
import { MEMORY_TABLE } from '../../services/adapters/memory/tables';
import { LAMBDA_RUNTIME } from '../constructs/platform-function';
import { actionsOfRole, oneResource, resourcesOf, synthPlatform } from './platform';

const { stack, template } = synthPlatform();

const serviceOf = (entry: QueueEntry) => stack.services.get(entry.name)!;
const roleOf = (entry: QueueEntry) => stack.resolve(serviceOf(entry).function.role!.roleName).Ref as string;

/** An action that only the capability brings. */
const CAPABILITY_ACTION: Record<Capability, string> = {
  bus: 'events:PutEvents',
  compute: 'bedrock-agentcore:InvokeAgentRuntime',
  scheduler: 'scheduler:CreateSchedule',
  git: 'secretsmanager:GetSecretValue',
  blobs: 's3:PutObject',
  memory: 'dynamodb:PutItem', // checked against the memory table below
  screening: 'bedrock:ApplyGuardrail', // only with a guardrail configured
};

test('every queue entry of the catalog has a service, and there is no other', () => {
  expect([...stack.services.keys()].sort()).toEqual(QUEUE_ENTRIES.map((e) => e.name).sort());
  // The rules and functions of every kind of entry are counted in infra/test/catalog.test.ts.
});

describe.each(QUEUE_ENTRIES.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
  const service = serviceOf(entry);

  test("its rule on the platform's bus carries the catalog's pattern exactly, to its queue", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: `abca-${entry.name}`,
      EventBusName: stack.resolve(stack.bus.bus.eventBusName),
      EventPattern: Match.objectEquals(entry.pattern as Record<string, unknown>),
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(service.queue.queue.queueArn),
          DeadLetterConfig: { Arn: stack.resolve(stack.bus.deliveryDeadLetterQueue.queueArn) },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        }),
      ],
    });
  });

  test('its queue: encrypted, TLS only, visibility ≥ 6× the timeout, redrive to its DLQ after maxReceiveCount', () => {
    const queue = oneResource(template, 'AWS::SQS::Queue', { QueueName: `abca-${entry.name}` }).resource.Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * entry.timeoutSeconds);
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: stack.resolve(service.queue.deadLetterQueue.queueArn), maxReceiveCount: entry.maxReceiveCount });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `abca-${entry.name}-dlq`, SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(service.queue.queue.queueUrl)],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('its function: nodejs22.x, the entry\'s settings, Powertools and platform environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Runtime: LAMBDA_RUNTIME.name,
      Timeout: entry.timeoutSeconds,
      MemorySize: entry.memoryMb,
      ReservedConcurrentExecutions: entry.reservedConcurrency ?? Match.absent(),
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: entry.name,
          POWERTOOLS_LOG_LEVEL: 'INFO',
          [CLOUD_ENV.tablePrefix]: 'abca',
          [CLOUD_ENV.eventBusName]: Match.anyValue(),
          [CLOUD_ENV.compute]: 'agentcore',
          [CLOUD_ENV.agentRuntimeArn]: Match.anyValue(),
          [CLOUD_ENV.schedulerGroup]: 'abca-deadlines',
        }),
      },
      Role: { 'Fn::GetAtt': [roleOf(entry), 'Arn'] },
    });
  });

  test('its SQS event source: the entry\'s batch size, partial batch failures, pollers within the reserved concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(service.queue.queue.queueArn),
      FunctionName: stack.resolve(service.function.functionName),
      BatchSize: entry.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: (entry.reservedConcurrency ?? 0) >= 2 ? { MaximumConcurrency: entry.reservedConcurrency } : Match.absent(),
    });
  });

  test('a schedule rule when the entry has a schedule, sending to the same queue', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule', { Name: `abca-${entry.name}-schedule` });
    if (!entry.schedule) return expect(rules).toEqual({});
    expect(Object.values(rules)).toEqual([
      expect.objectContaining({ Properties: expect.objectContaining({ ScheduleExpression: entry.schedule, Targets: [expect.objectContaining({ Arn: stack.resolve(service.queue.queue.queueArn) })] }) }),
    ]);
  });

  test('exactly the capabilities of its ports', () => {
    const actions = actionsOfRole(template, roleOf(entry));
    const uses = new Set(capabilitiesOfEntry(entry));
    for (const capability of ['bus', 'compute', 'scheduler', 'git', 'blobs'] as const) expect([capability, actions.has(CAPABILITY_ACTION[capability])]).toEqual([capability, uses.has(capability)]);
    expect(actions.has('bedrock:ApplyGuardrail')).toBe(false); // no guardrail in this deployment
    const memoryTable = JSON.stringify(stack.resolve(stack.tables.table(MEMORY_TABLE).tableArn));
    const policies = JSON.stringify(Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleOf(entry))));
    expect(policies.includes(memoryTable)).toBe(uses.has('memory'));
    expect(actions.has('dynamodb:UpdateItem')).toBe(true); // views and idempotency records, never the events table (event-store.test.ts)
  });
});
