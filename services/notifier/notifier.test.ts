/**
 * The notifier rule, checked with the local EventBridge's implementations of event patterns and of
 * input transformers (AWS's rules): terminal task events match, others do not, and each becomes a
 * valid Slack message (JSON with `text` and `blocks`) naming the task, its status and its PR.
 */
import { checkInputTransformer, transform } from '../../local/eventbridge/input-transformer';
import type { EventBridgeEvent } from '../../local/eventbridge/model';
import { matchesPattern } from '../../local/eventbridge/pattern';
import type { EventEnvelope } from '../kernel/envelope';
import { NOTIFIER_RULE, notifierConnection, notifierFromEnv, SLACK_WEBHOOK_URL_ENV } from './notifier';

const TASK_ID = '01JH5Z8Q3W4E5R6T7Y8U9V0WXY';

function busEvent(type: string, data: Record<string, unknown>, source = 'abca.task'): EventBridgeEvent {
  const envelope = {
    id: '01JH5Z9A0000000000000000AA',
    type,
    schemaVersion: 1,
    stream: { type: 'Task', id: TASK_ID },
    sequence: 6,
    occurredAt: '2025-01-01T08:00:00.000Z',
    recordedAt: '2025-01-01T08:00:00.010Z',
    correlationId: TASK_ID,
    causationId: '01JH5Z9A0000000000000000A9',
    source,
    data,
    metadata: { actor: 'service:finalizer' },
  } as unknown as EventEnvelope;
  // As the publisher puts it on the bus: DetailType = type, Source = source, Detail = the envelope.
  return { version: '0', id: 'e-1', 'detail-type': type, source, account: '000000000000', time: '2025-01-01T08:00:00Z', region: 'us-east-1', resources: [], detail: envelope as unknown as Record<string, unknown> };
}

function render(event: EventBridgeEvent): { text: string; blocks: Array<Record<string, unknown>> } {
  const out = transform(NOTIFIER_RULE.inputTransformer, { event, ruleName: NOTIFIER_RULE.name, ruleArn: `arn:aws:events:us-east-1:000000000000:rule/${NOTIFIER_RULE.name}`, ingestionTime: Date.UTC(2025, 0, 1, 8) });
  return JSON.parse(out) as { text: string; blocks: Array<Record<string, unknown>> };
}

const allText = (m: ReturnType<typeof render>) => JSON.stringify(m.blocks);

test('the rule matches the four terminal task events and nothing else', () => {
  for (const type of ['TaskCompleted', 'TaskFailed', 'TaskCancelled', 'TaskTimedOut']) expect(matchesPattern(NOTIFIER_RULE.pattern, busEvent(type, {}))).toBe(true);
  for (const type of ['TaskSubmitted', 'SessionEnded', 'TaskCancellationRequested']) expect(matchesPattern(NOTIFIER_RULE.pattern, busEvent(type, {}))).toBe(false);
  expect(matchesPattern(NOTIFIER_RULE.pattern, busEvent('TaskCompleted', {}, 'abca.user'))).toBe(false);
});

test('the transformer is valid as PutTargets checks it', () => {
  expect(checkInputTransformer(NOTIFIER_RULE.inputTransformer)).toBeUndefined();
});

test('TaskCompleted → a Slack message with the task id, the status and the pull request URL', () => {
  const prUrl = 'https://github.com/octo/widgets/pull/12';
  const message = render(busEvent('TaskCompleted', { prUrl, prNumber: 12, warning: null }));
  expect(message.text).toBe(`ABCA task ${TASK_ID}: TaskCompleted ${prUrl}`);
  expect(message.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `*TaskCompleted* · ABCA task \`${TASK_ID}\`` } });
  expect(allText(message)).toContain(`*Pull request*\\n${prUrl}`);
  expect(allText(message)).toContain('at 2025-01-01T08:00:00.000Z · abca.task');
});

test('TaskFailed → the code and the reason; quotes and newlines in the reason keep the JSON valid', () => {
  const reason = 'The agent said "no"\nand left: {"x": 1} <b>';
  const message = render(busEvent('TaskFailed', { code: 'AGENT_ERROR', reason }));
  expect(message.text).toBe(`ABCA task ${TASK_ID}: TaskFailed `);
  const details = (message.blocks[1] as { fields: Array<{ text: string }> }).fields[3]!.text;
  expect(details).toBe(`*Details*\nAGENT_ERROR ${reason}  `);
  expect((message.blocks[1] as { fields: Array<{ text: string }> }).fields[2]!.text).toBe('*Pull request*\n');
});

test('TaskCancelled and TaskTimedOut → their own details', () => {
  expect(allText(render(busEvent('TaskCancelled', { previousStatus: 'RUNNING' })))).toContain('RUNNING');
  expect(allText(render(busEvent('TaskTimedOut', { deadlineAt: '2025-01-01T08:00:00.000Z', sessionId: 's-1' })))).toContain('2025-01-01T08:00:00.000Z');
});

test('the connection and API destination come from ABCA_SLACK_WEBHOOK_URL; unset → not wired', () => {
  expect(notifierFromEnv({})).toBeNull();
  expect(notifierFromEnv({ [SLACK_WEBHOOK_URL_ENV]: '  ' })).toBeNull();
  const url = 'https://hooks.slack.com/services/T000/B000/XXXX';
  const settings = notifierFromEnv({ [SLACK_WEBHOOK_URL_ENV]: url })!;
  expect(settings.apiDestination).toMatchObject({ InvocationEndpoint: url, HttpMethod: 'POST' });
  expect(settings.connection.AuthorizationType).toBe('API_KEY');
  expect(settings.target('arn:aws:events:us-east-1:000000000000:api-destination/abca-notifier/1', { roleArn: 'arn:role' })).toMatchObject({
    Arn: 'arn:aws:events:us-east-1:000000000000:api-destination/abca-notifier/1',
    RoleArn: 'arn:role',
    InputTransformer: NOTIFIER_RULE.inputTransformer,
  });
  expect(() => notifierConnection('http://hooks.slack.com/x')).toThrow(/https/);
  expect(() => notifierConnection('not a url')).toThrow(/not a URL/);
  expect(notifierConnection('http://127.0.0.1:9999/hook').apiDestination.InvocationEndpoint).toBe('http://127.0.0.1:9999/hook');
});
