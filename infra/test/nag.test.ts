/**
 * cdk-nag's AWS Solutions rules (v3: a CDK validation plugin the app registers, so a finding fails
 * `cdk synth`) find nothing unacknowledged, in every shape of the deployment; every acknowledgment
 * carries its reason next to the resource (infra/nag.ts). CDK's own annotations: no warnings, no errors.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import { nagFindings, synthPlatform } from './platform';

const shapes: Array<[string, Record<string, unknown>]> = [
  ['AgentCore, image built from agent/image', {}],
  ['AgentCore, pushed image, every option', { agentImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/abca-agent:v1', slackWebhookSecret: 'abca/slack', alarmEmail: 'ops@example.com', guardrailId: 'gr1', guardrailVersion: '2', blueprints: [{ repo: 'acme/app' }], admins: 'u-1' }],
  // Pinned as `cdk synth` pins it from the CLI's environment (CDK_DEFAULT_REGION): ARNs then carry literal partition and region.
  ['ECS Fargate, region pinned', { compute: 'ecs', region: 'eu-west-1', account: '123456789012' }],
];

describe.each(shapes)('%s', (_name, context) => {
  const { stack } = synthPlatform(context);

  test('no unacknowledged AwsSolutions finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('no CDK warning or error annotation', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('every acknowledgment has a reason', () => {
    const acknowledged = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const entry of acknowledged) for (const reason of Object.values(entry.data as Record<string, string>)) expect(reason.length).toBeGreaterThan(30);
  });
});
