/**
 * Slack notifications with no code (services/notifier/notifier.ts): a rule on the bus matches the
 * terminal task events and an API destination posts the message made by the rule's input
 * transformer to a Slack incoming webhook. The rule's pattern, input transformer and retry policy
 * come from the catalog's entry (services/notifier/catalog-entry.ts), the connection and the API
 * destination from `notifierSettings`: the same data the embedded platform wires
 * (local/platform/wire-notifier.ts); only the AWS resources are made here.
 *
 * The webhook URL is a credential: it stays in a Secrets Manager secret you create (docs/DEPLOY.md),
 * and the template holds only a dynamic reference that CloudFormation resolves at deploy time.
 * Deliveries that fail after the retries go to the bus's delivery dead-letter queue.
 */
import { SecretValue, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RuleTargetEntry } from '../../services/catalog';
import { notifierSettings } from '../../services/notifier/notifier';

export interface NotificationsProps {
  /** The catalog's entry of the notifier (its rule, input transformer and retry policy). */
  readonly entry: RuleTargetEntry;
  readonly prefix: string;
  readonly bus: events.IEventBus;
  /** Name or ARN of the secret whose value is the Slack webhook URL. */
  readonly webhookUrlSecret: string;
  readonly deadLetterQueue: sqs.IQueue;
}

export class Notifications extends Construct {
  readonly rule: events.CfnRule;
  readonly apiDestination: events.CfnApiDestination;
  readonly connection: events.CfnConnection;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { entry } = props;
    const { connection, apiDestination } = notifierSettings(SecretValue.secretsManager(props.webhookUrlSecret).unsafeUnwrap(), `${props.prefix}-${entry.name}`);

    this.connection = new events.CfnConnection(this, 'Connection', {
      name: connection.Name,
      description: connection.Description,
      authorizationType: connection.AuthorizationType,
      authParameters: { apiKeyAuthParameters: { apiKeyName: connection.AuthParameters.ApiKeyAuthParameters.ApiKeyName, apiKeyValue: connection.AuthParameters.ApiKeyAuthParameters.ApiKeyValue } },
    });
    this.apiDestination = new events.CfnApiDestination(this, 'ApiDestination', {
      name: apiDestination.Name,
      description: apiDestination.Description,
      connectionArn: this.connection.attrArn,
      invocationEndpoint: apiDestination.InvocationEndpoint,
      httpMethod: apiDestination.HttpMethod,
      invocationRateLimitPerSecond: apiDestination.InvocationRateLimitPerSecond,
    });

    const role = new iam.Role(this, 'InvokeRole', {
      description: 'EventBridge: posts the notifier rule\'s messages to the Slack API destination.',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['events:InvokeApiDestination'], resources: [this.apiDestination.attrArn] }));

    this.rule = new events.CfnRule(this, 'Rule', {
      name: `${props.prefix}-${entry.name}`,
      description: entry.description,
      eventBusName: props.bus.eventBusName,
      eventPattern: entry.pattern,
      state: 'ENABLED',
      targets: [
        {
          id: 'slack',
          arn: this.apiDestination.attrArn,
          roleArn: role.roleArn,
          ...(entry.inputTransformer ? { inputTransformer: { inputPathsMap: { ...entry.inputTransformer.InputPathsMap }, inputTemplate: entry.inputTransformer.InputTemplate } } : {}),
          retryPolicy: { maximumRetryAttempts: entry.retry.maximumRetryAttempts, maximumEventAgeInSeconds: entry.retry.maximumEventAgeSeconds },
          deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
        },
      ],
    });
    // EventBridge may drop this rule's undeliverable messages into the dead-letter queue.
    props.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.attrArn } },
      }),
    );
  }
}
