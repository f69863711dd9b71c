/**
 * Every Lambda function and every EventBridge rule of the CDK app comes from a catalog entry: the
 * template's counts equal what the catalog implies for the deployment (services/catalog.ts), and
 * the only other functions are CDK's own helpers, named precisely below. Checked on the default
 * deployment and on one with every option that adds resources (Blueprints, Slack, ECS).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CATALOG, lambdaFunctionsOf, type CatalogEntry } from '../../services/catalog';
import { assertNever } from '../../services/kernel/decider';
import { resourcesOf, synthPlatform } from './platform';

/**
 * CDK's helper functions, which no entry of ours declares:
 *   - the custom-resources Provider framework's onEvent function, in front of a custom resource's
 *     handler (one per provider: the Blueprints share one, made with the first Blueprint);
 *   - the core CustomResourceProvider singleton behind `Custom::VpcRestrictDefaultSG` (the feature
 *     flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup, on the ECS compute's VPC).
 * No log-retention or bucket-deployment singleton exists: every function has its own log group.
 */
const CDK_HELPERS = {
  providerFramework: { Handler: 'framework.onEvent', Description: Match.stringLikeRegexp('^AWS CDK resource provider framework - onEvent ') },
  restrictDefaultSecurityGroup: { Handler: '__entrypoint__.handler', Description: 'Lambda function for removing all inbound/outbound rules from the VPC default security group' },
} as const;

interface Deployment {
  readonly context: Record<string, unknown>;
  readonly blueprints: number;
  readonly slackWebhook: boolean;
  readonly ecs: boolean;
}

const DEPLOYMENTS: Record<string, Deployment> = {
  'the default deployment': { context: {}, blueprints: 0, slackWebhook: false, ecs: false },
  'a deployment with Blueprints, Slack and ECS': {
    context: { blueprints: [{ repo: 'acme/app' }, { repo: 'acme/lib' }], slackWebhookSecret: 'abca/slack-webhook', compute: 'ecs' },
    blueprints: 2,
    slackWebhook: true,
    ecs: true,
  },
};

/** The functions (by POWERTOOLS_SERVICE_NAME) and the rules an entry implies for a deployment. */
function implied(entry: CatalogEntry, d: Deployment): { readonly functions: string[]; readonly rules: number } {
  const functions = lambdaFunctionsOf(entry).map((f) => f.name);
  switch (entry.kind) {
    case 'queue':
      return { functions, rules: entry.schedule ? 2 : 1 }; // its pattern's rule, and its schedule's
    case 'stream':
    case 'kinesis':
    case 'http':
      return { functions, rules: 0 };
    case 'custom-resource':
      return { functions: d.blueprints > 0 ? functions : [], rules: 0 }; // one handler for every resource
    case 'rule-target':
      return { functions, rules: entry.requires === 'slack-webhook' && !d.slackWebhook ? 0 : 1 };
    default:
      return assertNever(entry, 'catalog entry');
  }
}

const count = (template: Template, type: string, props?: Record<string, unknown>) => Object.keys(resourcesOf(template, type, props)).length;

describe.each(Object.entries(DEPLOYMENTS))('%s', (_name, deployment) => {
  const { template } = synthPlatform(deployment.context);
  const expected = CATALOG.map((entry) => implied(entry, deployment));

  test('its Lambda functions are the catalog\'s, and CDK\'s own helpers', () => {
    const all = count(template, 'AWS::Lambda::Function');
    const platform = resourcesOf(template, 'AWS::Lambda::Function', { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: Match.anyValue() } } });
    const names = Object.values(platform).map((fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string);
    expect(names.sort()).toEqual(expected.flatMap((e) => e.functions).sort());
    const helpers = { providerFramework: count(template, 'AWS::Lambda::Function', CDK_HELPERS.providerFramework), restrictDefaultSecurityGroup: count(template, 'AWS::Lambda::Function', CDK_HELPERS.restrictDefaultSecurityGroup) };
    expect(helpers).toEqual({ providerFramework: deployment.blueprints > 0 ? 1 : 0, restrictDefaultSecurityGroup: deployment.ecs ? 1 : 0 });
    expect(all).toBe(names.length + helpers.providerFramework + helpers.restrictDefaultSecurityGroup);
  });

  test('each catalog function has its entry\'s timeout and memory', () => {
    for (const entry of CATALOG) {
      if (entry.kind === 'custom-resource' && deployment.blueprints === 0) continue;
      for (const fn of lambdaFunctionsOf(entry)) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: fn.name }) },
          Timeout: fn.timeoutSeconds,
          MemorySize: fn.memoryMb,
        });
      }
    }
  });

  test('its EventBridge rules are the catalog\'s', () => {
    expect(count(template, 'AWS::Events::Rule')).toBe(expected.reduce((n, e) => n + e.rules, 0));
    for (const entry of CATALOG) {
      if (entry.kind === 'queue') {
        template.hasResourceProperties('AWS::Events::Rule', { Name: `abca-${entry.name}`, EventPattern: Match.objectEquals(entry.pattern as Record<string, unknown>) });
        if (entry.schedule) template.hasResourceProperties('AWS::Events::Rule', { Name: `abca-${entry.name}-schedule`, ScheduleExpression: entry.schedule });
      }
      if (entry.kind === 'rule-target' && implied(entry, deployment).rules === 1) {
        // The rule carries the entry's pattern, and its one target the entry's retry policy and the bus's delivery dead-letter queue.
        template.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: Match.objectEquals(entry.pattern as Record<string, unknown>),
          Targets: [
            Match.objectLike({
              RetryPolicy: { MaximumRetryAttempts: entry.retry.maximumRetryAttempts, MaximumEventAgeInSeconds: entry.retry.maximumEventAgeSeconds },
              DeadLetterConfig: { Arn: Match.anyValue() },
              ...(entry.inputTransformer ? { InputTransformer: { InputPathsMap: entry.inputTransformer.InputPathsMap, InputTemplate: entry.inputTransformer.InputTemplate } } : {}),
            }),
          ],
        });
      }
    }
  });

  test('its event source mappings are the catalog\'s: one per queue, and the streams\' with their entries\' settings', () => {
    const streams = CATALOG.filter((e) => e.kind === 'stream' || e.kind === 'kinesis');
    expect(count(template, 'AWS::Lambda::EventSourceMapping')).toBe(CATALOG.filter((e) => e.kind === 'queue').length + streams.length);
    for (const entry of streams) {
      const source = entry.eventSource;
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        StartingPosition: source.startingPosition,
        BatchSize: source.batchSize,
        BisectBatchOnFunctionError: source.bisectBatchOnError,
        MaximumRetryAttempts: source.retryAttempts,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
        ...(source.maxBatchingWindowSeconds !== undefined ? { MaximumBatchingWindowInSeconds: source.maxBatchingWindowSeconds } : {}),
        ...(source.parallelizationFactor !== undefined ? { ParallelizationFactor: source.parallelizationFactor } : {}),
      });
    }
  });

  test('each Blueprint is a custom resource of the catalog\'s type', () => {
    const blueprint = CATALOG.find((e) => e.kind === 'custom-resource')!;
    expect(blueprint.kind === 'custom-resource' && count(template, blueprint.resourceType)).toBe(deployment.blueprints);
  });
});
