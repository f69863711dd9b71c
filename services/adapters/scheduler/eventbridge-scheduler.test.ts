/**
 * The Scheduler port on EventBridge Scheduler, with the real @aws-sdk/client-scheduler client
 * pointed at a local HTTP server that records its exact requests and keeps a little schedule table,
 * answering as the service does (REST-JSON):
 *
 *   CreateSchedule  POST   /schedules/{Name}   body: the schedule (GroupName inside); 409 ConflictException if it exists
 *   UpdateSchedule  PUT    /schedules/{Name}   same body; 404 ResourceNotFoundException if it does not
 *   DeleteSchedule  DELETE /schedules/{Name}?groupName=…&clientToken=…; 404 ResourceNotFoundException if gone
 *
 * Errors: the status, the error type in the x-amzn-errortype header, `{ "Message": … }` in the body
 * (what the SDK's AwsRestJsonProtocol reads to pick the exception class).
 */
import { SchedulerClient, ThrottlingException, ValidationException } from '@aws-sdk/client-scheduler';
import { EventBridgeScheduler } from './eventbridge-scheduler';
import { RECORDING_ACCESS_KEY_ID, useRecordingClient, type RecordedAnswer, type RecordedRequest } from '../testing/recording-server';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** A tiny EventBridge Scheduler: schedules by group and name, plus an optional scripted error. */
class LocalScheduler {
  readonly schedules = new Map<string, Record<string, unknown>>();
  /** Answer the next request with this method (or any, without one) with this error instead. */
  error: { status: number; type: string; message?: string; method?: string } | null = null;

  answer = (r: RecordedRequest): RecordedAnswer => {
    const match = /^\/schedules\/([^/]+)$/.exec(r.path);
    if (!match) return errorAnswer(404, 'UnknownOperationException', `no route for ${r.method} ${r.path}`);
    if (this.error && (!this.error.method || this.error.method === r.method)) {
      const { status, type, message } = this.error;
      this.error = null;
      return errorAnswer(status, type, message ?? 'scripted');
    }
    const name = decodeURIComponent(match[1]!);
    switch (r.method) {
      case 'POST': {
        const body = JSON.parse(r.body) as Record<string, unknown>;
        const key = `${String(body.GroupName ?? 'default')}/${name}`;
        if (this.schedules.has(key)) return errorAnswer(409, 'ConflictException', `Schedule ${name} already exists.`);
        this.schedules.set(key, body);
        return json(200, { ScheduleArn: arnOf(key) });
      }
      case 'PUT': {
        const body = JSON.parse(r.body) as Record<string, unknown>;
        const key = `${String(body.GroupName ?? 'default')}/${name}`;
        if (!this.schedules.has(key)) return errorAnswer(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        this.schedules.set(key, body);
        return json(200, { ScheduleArn: arnOf(key) });
      }
      case 'DELETE': {
        const key = `${r.query.get('groupName') ?? 'default'}/${name}`;
        if (!this.schedules.delete(key)) return errorAnswer(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        return json(200, {});
      }
    }
    return errorAnswer(405, 'UnknownOperationException', `no route for ${r.method} ${r.path}`);
  };
}

const json = (status: number, body: object): RecordedAnswer => ({ status, headers: { 'content-type': 'application/json' }, body });
const errorAnswer = (status: number, type: string, message: string): RecordedAnswer => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: { Message: message },
});
const arnOf = (key: string) => `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${key}`;

let service: LocalScheduler;
const aws = useRecordingClient((config) => new SchedulerClient(config), { region: REGION, handler: () => (service = new LocalScheduler()).answer });

const now = new Date('2030-01-01T00:00:00.000Z');
const options = {
  groupName: 'abca-deadlines',
  eventBusArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/abca`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/abca-scheduler`,
  deadLetterQueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:abca-scheduler-dlq`,
  now: () => now,
};
const event = { source: 'abca.scheduler', detailType: 'SessionDeadlineReached', detail: { taskId: 't1', sessionId: 's1', deadlineAt: '2030-01-01T08:00:00.000Z' } };
const scheduler = () => new EventBridgeScheduler({ client: aws.client, ...options });

/** The schedule body CreateSchedule/UpdateSchedule send for `deadline-t1` at `at`. */
const scheduleBody = (at: string) => ({
  GroupName: 'abca-deadlines',
  ScheduleExpression: `at(${at})`,
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
  ClientToken: expect.any(String), // the SDK's idempotency token
});

test('a one-time schedule in the group that puts the event on the bus, then deletes itself: CreateSchedule, SigV4-signed', async () => {
  await scheduler().scheduleOnce('deadline-t1', new Date('2030-01-01T08:00:00.000Z'), event);

  expect(aws.server.requests).toHaveLength(1);
  const [r] = aws.server.requests;
  expect(r!.method).toBe('POST');
  expect(r!.url).toBe('/schedules/deadline-t1');
  expect(r!.headers['content-type']).toBe('application/json');
  expect(r!.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${RECORDING_ACCESS_KEY_ID}/\\d{8}/${REGION}/scheduler/aws4_request, `));
  const body = JSON.parse(r!.body) as Record<string, unknown>;
  expect(body).toEqual(scheduleBody('2030-01-01T08:00:00'));
  expect(body).not.toHaveProperty('Name'); // the name travels in the path only
  expect(service.schedules.get('abca-deadlines/deadline-t1')).toEqual(body);
});

test('without a dead-letter queue the target has no DeadLetterConfig', async () => {
  const { deadLetterQueueArn: _, ...withoutDlq } = options;
  await new EventBridgeScheduler({ client: aws.client, ...withoutDlq }).scheduleOnce('deadline-t1', new Date('2030-01-01T08:00:00.000Z'), event);
  const target = (JSON.parse(aws.server.requests[0]!.body) as { Target: Record<string, unknown> }).Target;
  expect(target).not.toHaveProperty('DeadLetterConfig');
  expect(target).toMatchObject({ Arn: options.eventBusArn, RoleArn: options.roleArn });
});

test('scheduling the same name again replaces the schedule (a redelivered start is harmless): ConflictException → UpdateSchedule', async () => {
  await scheduler().scheduleOnce('deadline-t1', new Date('2030-01-01T08:00:00.000Z'), event);
  await scheduler().scheduleOnce('deadline-t1', new Date('2030-01-01T09:30:00.000Z'), event);

  expect(aws.server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /schedules/deadline-t1', 'POST /schedules/deadline-t1', 'PUT /schedules/deadline-t1']);
  const [, conflicted, update] = aws.server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  expect(update).toEqual(scheduleBody('2030-01-01T09:30:00'));
  const { ClientToken: _a, ...updateFields } = update!;
  const { ClientToken: _b, ...conflictedFields } = conflicted!;
  expect(updateFields).toEqual(conflictedFields); // UpdateSchedule carries the same fields as the CreateSchedule it replaces
  expect(service.schedules.size).toBe(1);
  expect(service.schedules.get('abca-deadlines/deadline-t1')).toMatchObject({ ScheduleExpression: 'at(2030-01-01T09:30:00)' });
});

test('other CreateSchedule errors surface, without an UpdateSchedule', async () => {
  service.error = { status: 400, type: 'ValidationException', message: 'The role cannot be assumed.', method: 'POST' };
  const failed = scheduler().scheduleOnce('deadline-t1', new Date('2030-01-01T08:00:00.000Z'), event);
  await expect(failed).rejects.toBeInstanceOf(ValidationException);
  await expect(failed).rejects.toMatchObject({ message: 'The role cannot be assumed.' });
  expect(aws.server.requests.map((r) => r.method)).toEqual(['POST']);
});

test('a time in the past or too close is moved a minute ahead (Scheduler refuses past times; a late deadline is safe)', async () => {
  expect(scheduler().scheduleInput('deadline-t1', new Date('2029-12-31T00:00:00.000Z'), event).ScheduleExpression).toBe('at(2030-01-01T00:01:00)');
  await scheduler().scheduleOnce('deadline-t1', new Date('2029-12-31T00:00:00.000Z'), event);
  await scheduler().scheduleOnce('deadline-t2', new Date('2030-01-01T00:00:30.000Z'), event);
  expect(aws.server.requests.map((r) => (JSON.parse(r.body) as { ScheduleExpression: string }).ScheduleExpression)).toEqual(['at(2030-01-01T00:01:00)', 'at(2030-01-01T00:01:00)']);
});

test('cancelling deletes it (DELETE /schedules/{Name}?groupName=…); one that is gone counts as cancelled; other errors surface', async () => {
  await scheduler().scheduleOnce('deadline-t1', new Date('2030-01-01T08:00:00.000Z'), event);
  aws.server.requests.length = 0;

  await scheduler().cancel('deadline-t1');
  expect(aws.server.requests).toHaveLength(1);
  const [r] = aws.server.requests;
  expect(r!.method).toBe('DELETE');
  expect(r!.path).toBe('/schedules/deadline-t1');
  expect(r!.query.get('groupName')).toBe('abca-deadlines');
  expect(r!.query.get('clientToken')).toEqual(expect.any(String)); // the SDK's idempotency token
  expect(r!.body).toBe('');
  expect(service.schedules.size).toBe(0);

  await expect(scheduler().cancel('deadline-t1')).resolves.toBeUndefined(); // gone: the service says ResourceNotFoundException
  expect(aws.server.requests).toHaveLength(2);

  service.error = { status: 429, type: 'ThrottlingException', message: 'Rate exceeded', method: 'DELETE' };
  const throttled = scheduler().cancel('deadline-t1');
  await expect(throttled).rejects.toBeInstanceOf(ThrottlingException);
  await expect(throttled).rejects.toMatchObject({ message: 'Rate exceeded' });
});

test('refuses names EventBridge Scheduler would refuse, before any request', async () => {
  const s = scheduler();
  await expect(s.scheduleOnce('has space', now, event)).rejects.toThrow(/schedule name/);
  await expect(s.cancel('x'.repeat(65))).rejects.toThrow(/schedule name/);
  expect(aws.server.requests).toHaveLength(0);
});
