/**
 * The notifier on the local EventBridge, through its API as a deployer would: a connection, an
 * API destination for the Slack webhook URL, and the rule with its input transformer. No code
 * runs for notifications — the bus posts the Slack-formatted message itself (as in AWS).
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
import { notifierConnection } from '../../services/notifier/notifier';

export async function wireNotifier(client: EventBridgeClient, busName: string, webhookUrl: string, deadLetterArn?: string): Promise<void> {
  const settings = notifierConnection(webhookUrl);
  const connectionArn = await client
    .send(new DescribeConnectionCommand({ Name: settings.connection.Name }))
    .then((c) => c.ConnectionArn!)
    .catch(async () => (await client.send(new CreateConnectionCommand(settings.connection))).ConnectionArn!);
  const destinationArn = await client
    .send(new DescribeApiDestinationCommand({ Name: settings.apiDestination.Name }))
    .then((d) => d.ApiDestinationArn!)
    .catch(async () => (await client.send(new CreateApiDestinationCommand({ ...settings.apiDestination, ConnectionArn: connectionArn }))).ApiDestinationArn!);
  await client.send(new PutRuleCommand({ Name: settings.rule.name, EventBusName: busName, Description: settings.rule.description, EventPattern: JSON.stringify(settings.rule.pattern) }));
  await client.send(new PutTargetsCommand({ Rule: settings.rule.name, EventBusName: busName, Targets: [settings.target(destinationArn, { deadLetterArn })] }));
}
