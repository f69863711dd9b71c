/** The bus and what hangs off it: archive, delivery DLQ, EventBridge Scheduler, Slack notifications, telemetry. */
import { Match } from 'aws-cdk-lib/assertions';
import { NOTIFIER_RULE } from '../../services/notifier/notifier';
import { resourcesOf, synthPlatform } from './platform';

describe('defaults', () => {
  const { stack, template } = synthPlatform();
  const bus = stack.resolve(stack.bus.bus.eventBusArn);

  test('a custom bus named after the deployment, archived in full for 365 days', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'abca' });
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: bus,
      RetentionDays: 365,
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
    });
  });

  test('the delivery dead-letter queue takes what the bus gives up on, for every target', () => {
    const dlq = stack.resolve(stack.bus.deliveryDeadLetterQueue.queueArn);
    for (const rule of Object.values(resourcesOf(template, 'AWS::Events::Rule'))) {
      for (const target of rule.Properties.Targets) expect([rule.Properties.Name, target.DeadLetterConfig]).toEqual([rule.Properties.Name, { Arn: dlq }]);
    }
  });

  test('no Slack notifier unless the deployment names its webhook secret', () => {
    expect(resourcesOf(template, 'AWS::Events::ApiDestination')).toEqual({});
  });

  test('EventBridge Scheduler: a group, and a role that may only put events on the bus and into its DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'abca-deadlines' });
    const roleId = stack.resolve(stack.scheduler.role.roleArn)['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0]).toMatchObject({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          { Action: 'events:PutEvents', Effect: 'Allow', Resource: bus },
          Match.objectLike({ Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: stack.resolve(stack.scheduler.deadLetterQueue.queueArn) }),
        ],
      },
    });
  });

  test('the telemetry stream: encrypted (AWS managed key), read by the session monitor with bisect, retries, DLQ, partial failures', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'abca-telemetry', StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.telemetry.stream.streamArn),
      FunctionName: stack.resolve(stack.telemetry.monitor.functionName),
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: stack.resolve(stack.telemetry.deadLetterQueue.queueArn) } },
    });
  });

  test('the blob store: private, TLS only, versioned, encrypted, access-logged, with lifecycle rules', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: stack.resolve(stack.blobs.accessLogs.bucketName) }),
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'nudges/' }), Match.objectLike({ Prefix: 'prompts/' })]) },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: stack.resolve(stack.blobs.bucket.bucketName),
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('Slack notifications (context slackWebhookSecret)', () => {
  const { stack, template } = synthPlatform({ slackWebhookSecret: 'abca/slack-webhook', archiveRetentionDays: 30 });

  test('the archive retention follows the context', () => {
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
  });

  test("a connection and an API destination whose endpoint is resolved from the secret at deploy time", () => {
    template.hasResourceProperties('AWS::Events::Connection', { Name: 'abca-notifier', AuthorizationType: 'API_KEY' });
    template.hasResourceProperties('AWS::Events::ApiDestination', {
      Name: 'abca-notifier',
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 1,
      InvocationEndpoint: '{{resolve:secretsmanager:abca/slack-webhook:SecretString:::}}',
    });
  });

  test("the rule: the notifier's pattern and input transformer, bounded retries, the delivery DLQ", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'abca-notifier',
      EventBusName: stack.resolve(stack.bus.bus.eventBusName),
      EventPattern: Match.objectEquals(NOTIFIER_RULE.pattern as unknown as Record<string, unknown>),
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(stack.notifications!.apiDestination.attrArn),
          InputTransformer: { InputPathsMap: NOTIFIER_RULE.inputTransformer.InputPathsMap, InputTemplate: NOTIFIER_RULE.inputTransformer.InputTemplate },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: stack.resolve(stack.bus.deliveryDeadLetterQueue.queueArn) },
        }),
      ],
    });
  });
});
