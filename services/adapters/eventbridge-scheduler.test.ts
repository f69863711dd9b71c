/** The Scheduler port on EventBridge Scheduler, against a recording client. */
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeScheduler } from './eventbridge-scheduler';

const named = (name: string) => Object.assign(new Error(name), { name });

function recorder(fail: Record<string, Error> = {}) {
  const calls: Array<{ command: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      const err = fail[name];
      if (err) throw err;
      return {};
    },
  } as unknown as Pick<SchedulerClient, 'send'>;
  return { client, calls };
}

const now = new Date('2030-01-01T00:00:00.000Z');
const options = { groupName: 'abca-deadlines', eventBusArn: 'arn:aws:events:us-east-1:1:event-bus/abca', roleArn: 'arn:aws:iam::1:role/s', deadLetterQueueArn: 'arn:aws:sqs:us-east-1:1:dlq', now: () => now };
const event = { source: 'abca.scheduler', detailType: 'SessionDeadlineReached', detail: { taskId: 't1', sessionId: 's1', deadlineAt: '2030-01-01T08:00:00.000Z' } };

test('a one-time schedule in the group that puts the event on the bus, then deletes itself', async () => {
  const { client, calls } = recorder();
  await new EventBridgeScheduler({ client, ...options }).scheduleOnce('deadline-t1', new Date('2030-01-01T08:00:00.000Z'), event);
  expect(calls).toEqual([
    {
      command: 'CreateScheduleCommand',
      input: {
        Name: 'deadline-t1',
        GroupName: 'abca-deadlines',
        ScheduleExpression: 'at(2030-01-01T08:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: options.eventBusArn,
          RoleArn: options.roleArn,
          Input: JSON.stringify(event.detail),
          EventBridgeParameters: { Source: 'abca.scheduler', DetailType: 'SessionDeadlineReached' },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: options.deadLetterQueueArn },
        },
      },
    },
  ]);
});

test('scheduling the same name again replaces the schedule (a redelivered start is harmless)', async () => {
  const { client, calls } = recorder({ CreateScheduleCommand: named('ConflictException') });
  await new EventBridgeScheduler({ client, ...options }).scheduleOnce('deadline-t1', new Date('2030-01-01T08:00:00.000Z'), event);
  expect(calls.map((c) => c.command)).toEqual(['CreateScheduleCommand', 'UpdateScheduleCommand']);
  expect(calls[1]!.input).toEqual(calls[0]!.input);
});

test('a time in the past or too close is moved a minute ahead (Scheduler refuses past times; a late deadline is safe)', () => {
  const input = new EventBridgeScheduler({ client: recorder().client, ...options }).scheduleInput('deadline-t1', new Date('2029-12-31T00:00:00.000Z'), event);
  expect(input.ScheduleExpression).toBe('at(2030-01-01T00:01:00)');
});

test('cancelling deletes it; one that is gone counts as cancelled; other errors surface', async () => {
  const ok = recorder();
  await new EventBridgeScheduler({ client: ok.client, ...options }).cancel('deadline-t1');
  expect(ok.calls).toEqual([{ command: 'DeleteScheduleCommand', input: { Name: 'deadline-t1', GroupName: 'abca-deadlines' } }]);
  await expect(new EventBridgeScheduler({ client: recorder({ DeleteScheduleCommand: named('ResourceNotFoundException') }).client, ...options }).cancel('deadline-t1')).resolves.toBeUndefined();
  await expect(new EventBridgeScheduler({ client: recorder({ DeleteScheduleCommand: named('ThrottlingException') }).client, ...options }).cancel('deadline-t1')).rejects.toThrow('ThrottlingException');
});

test('refuses names EventBridge Scheduler would refuse', async () => {
  const s = new EventBridgeScheduler({ client: recorder().client, ...options });
  await expect(s.scheduleOnce('has space', now, event)).rejects.toThrow(/schedule name/);
  await expect(s.cancel('x'.repeat(65))).rejects.toThrow(/schedule name/);
});
