/**
 * The notifier on the local EventBridge, through its API as a deployer would: a connection, an
 * API destination for the Slack webhook URL, and the rule with its input transformer. No code
 * runs for notifications — the bus posts the Slack-formatted message itself (as in AWS). The rule's
 * pattern, input transformer and retry policy come from the catalog's entry
 * (services/notifier/catalog-entry.ts), as in the CDK app (infra/constructs/notifications.ts).
 */
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import type { RuleTargetEntry } from '../../services/catalog-entry';
import { notifierConnection } from '../../services/notifier/notifier';

export async function wireNotifier(client: EventBridgeClient, busName: string, entry: RuleTargetEntry, webhookUrl: string, deadLetterArn?: string): Promise<void> {
  const settings = notifierConnection(webhookUrl);
  const ruleName = `abca-${entry.name}`;
  const connectionArn = await client
    .send(new DescribeConnectionCommand({ Name: settings.connection.Name }))
    .then((c) => c.ConnectionArn!)
    .catch(async () => (await client.send(new CreateConnectionCommand(settings.connection))).ConnectionArn!);
  const destinationArn = await client
    .send(new DescribeApiDestinationCommand({ Name: settings.apiDestination.Name }))
    .then((d) => d.ApiDestinationArn!)
    .catch(async () => (await client.send(new CreateApiDestinationCommand({ ...settings.apiDestination, ConnectionArn: connectionArn }))).ApiDestinationArn!);
  await client.send(new PutRuleCommand({ Name: ruleName, EventBusName: busName, Description: entry.description, EventPattern: JSON.stringify(entry.pattern) }));
  await client.send(
    new PutTargetsCommand({
      Rule: ruleName,
      EventBusName: busName,
      Targets: [
        {
          Id: 'slack',
          Arn: destinationArn,
          ...(entry.inputTransformer ? { InputTransformer: { ...entry.inputTransformer } } : {}),
          RetryPolicy: { MaximumRetryAttempts: entry.retry.maximumRetryAttempts, MaximumEventAgeInSeconds: entry.retry.maximumEventAgeSeconds },
          ...(deadLetterArn ? { DeadLetterConfig: { Arn: deadLetterArn } } : {}),
        },
      ],
    }),
  );
}
