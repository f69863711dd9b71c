/**
 * The notifier: no code runs for it. A rule on the bus matches terminal task events and sends them
 * to an HTTP API destination (a Slack incoming webhook) through an input transformer that turns the
 * event into a Slack message (`text` + Block Kit `blocks`). The CDK app and the embedded platform
 * both build it from this data; the webhook URL comes from configuration (ABCA_SLACK_WEBHOOK_URL),
 * and when it is unset the notifier is not wired at all.
 *
 * Input transformer rules (AWS): a JSON template takes a variable as a JSON value outside quotes and
 * as text inside quotes (escaped, so quotes or newlines in a failure reason keep the JSON valid); a
 * path that matches nothing gives nothing inside quotes. So every variable here sits inside quotes,
 * and the fields that only some event types have (prUrl, code, reason, previousStatus, deadlineAt)
 * simply come out empty for the others. A completed task without a pull request (commits only) shows
 * `null` for its pull request: a transformer cannot branch.
 *
 * The terminal events carry no repository (only the task id, in `detail.stream.id`); the repository
 * shows in the pull request URL. Adding `repo` to the message needs it in the events' data.
 *
 * The webhook URL is a secret (anyone holding it can post to the channel): it lives in the API
 * destination's endpoint only, never in logs or events.
 */

export const SLACK_WEBHOOK_URL_ENV = 'ABCA_SLACK_WEBHOOK_URL';

export const NOTIFIED_EVENT_TYPES = ['TaskCompleted', 'TaskFailed', 'TaskCancelled', 'TaskTimedOut'] as const;

interface InputTransformerSettings {
  readonly InputPathsMap: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

export interface NotifierRule {
  readonly name: string;
  readonly description: string;
  readonly pattern: { readonly source: readonly string[]; readonly 'detail-type': readonly string[] };
  readonly inputTransformer: InputTransformerSettings;
}

const SLACK_MESSAGE = {
  text: 'ABCA task <taskId>: <status> <prUrl>',
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: '*<status>* · ABCA task `<taskId>`' } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Status*\n<status>' },
        { type: 'mrkdwn', text: '*Task*\n`<taskId>`' },
        { type: 'mrkdwn', text: '*Pull request*\n<prUrl>' },
        { type: 'mrkdwn', text: '*Details*\n<code> <reason> <previousStatus> <deadlineAt>' },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'at <time> · <source>' }] },
  ],
};

export const NOTIFIER_RULE: NotifierRule = {
  name: 'abca-notifier',
  description: 'Posts a Slack message for every task that ends (completed, failed, cancelled, timed out).',
  pattern: { source: ['abca.task'], 'detail-type': [...NOTIFIED_EVENT_TYPES] },
  inputTransformer: {
    InputPathsMap: {
      taskId: '$.detail.stream.id',
      status: '$.detail-type',
      time: '$.detail.occurredAt',
      source: '$.source',
      prUrl: '$.detail.data.prUrl',
      code: '$.detail.data.code',
      reason: '$.detail.data.reason',
      previousStatus: '$.detail.data.previousStatus',
      deadlineAt: '$.detail.data.deadlineAt',
    },
    InputTemplate: JSON.stringify(SLACK_MESSAGE),
  },
};

/** The rule target's retry policy: Slack is retried for an hour, then the message goes to the dead-letter queue. */
export const NOTIFIER_RETRY = { maximumRetryAttempts: 10, maximumEventAgeSeconds: 3600 } as const;

/** CreateConnection input (EventBridge wants an authorization; a Slack webhook ignores the header). */
interface NotifierConnectionSettings {
  readonly Name: string;
  readonly Description: string;
  readonly AuthorizationType: 'API_KEY';
  readonly AuthParameters: { readonly ApiKeyAuthParameters: { readonly ApiKeyName: string; readonly ApiKeyValue: string } };
}

/** CreateApiDestination input, once the connection's ARN is known. */
interface NotifierApiDestinationSettings {
  readonly Name: string;
  readonly Description: string;
  readonly InvocationEndpoint: string;
  readonly HttpMethod: 'POST';
  readonly InvocationRateLimitPerSecond: number;
}

/** PutTargets entry for the rule, once the API destination's ARN is known. */
interface NotifierTargetSettings {
  readonly Id: string;
  readonly Arn: string;
  readonly RoleArn?: string;
  readonly InputTransformer: InputTransformerSettings;
  readonly RetryPolicy: { readonly MaximumRetryAttempts: number; readonly MaximumEventAgeInSeconds: number };
  readonly DeadLetterConfig?: { readonly Arn: string };
}

export interface NotifierSettings {
  readonly rule: NotifierRule;
  readonly connection: NotifierConnectionSettings;
  readonly apiDestination: NotifierApiDestinationSettings;
  target(apiDestinationArn: string, options?: { roleArn?: string; deadLetterArn?: string }): NotifierTargetSettings;
}

/** The connection, API destination and target of the notifier for this webhook URL. */
export function notifierConnection(url: string): NotifierSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${SLACK_WEBHOOK_URL_ENV} is not a URL; set it to the Slack incoming webhook (https://hooks.slack.com/services/...).`);
  }
  // https in AWS; http allowed for a local endpoint (tests, the embedded platform's recorder).
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    throw new Error(`${SLACK_WEBHOOK_URL_ENV} must be an https URL (http only for localhost).`);
  }
  return notifierSettings(url);
}

/**
 * The settings for an endpoint that is not checked here: the CDK app's, where the URL is a
 * reference to a Secrets Manager secret resolved by CloudFormation at deploy time. `name` names the
 * connection and the API destination (default `abca-notifier`; one per deployment).
 */
export function notifierSettings(endpoint: string, name = 'abca-notifier'): NotifierSettings {
  return {
    rule: NOTIFIER_RULE,
    connection: {
      Name: name,
      Description: 'Slack incoming webhook (the URL carries the credential; this header is ignored).',
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'X-Abca-Notifier', ApiKeyValue: 'slack-incoming-webhook' } },
    },
    apiDestination: {
      Name: name,
      Description: 'Slack notifications of ended tasks.',
      InvocationEndpoint: endpoint,
      HttpMethod: 'POST',
      // Slack accepts about one message per second per webhook.
      InvocationRateLimitPerSecond: 1,
    },
    target(apiDestinationArn, options = {}) {
      return {
        Id: 'slack',
        Arn: apiDestinationArn,
        ...(options.roleArn ? { RoleArn: options.roleArn } : {}),
        InputTransformer: NOTIFIER_RULE.inputTransformer,
        RetryPolicy: { MaximumRetryAttempts: NOTIFIER_RETRY.maximumRetryAttempts, MaximumEventAgeInSeconds: NOTIFIER_RETRY.maximumEventAgeSeconds },
        ...(options.deadLetterArn ? { DeadLetterConfig: { Arn: options.deadLetterArn } } : {}),
      };
    },
  };
}

/** The notifier settings from ABCA_SLACK_WEBHOOK_URL, or null when it is unset or empty (not wired). */
export function notifierFromEnv(env: Readonly<Record<string, string | undefined>>): NotifierSettings | null {
  const url = env[SLACK_WEBHOOK_URL_ENV]?.trim();
  return url ? notifierConnection(url) : null;
}
