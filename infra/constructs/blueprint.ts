/**
 * A Blueprint onboards one repository as part of the deployment: a custom resource (CDK's provider
 * framework, backed by the catalog's custom-resource entry, services/repos/repo/catalog-entry.ts:
 * services/repos/repo/blueprint-handler.ts) that appends RepoOnboarded on create,
 * RepoConfigUpdated when the config changes on update, and RepoOffboarded on delete, through the
 * repo decider's OnboardRepo / OffboardRepo commands, exactly as `bgagent repo onboard` does. So
 * onboarding is infrastructure: reviewed, versioned and rolled back with the stack.
 *
 * The config is checked at synth time with the same rules the decider applies, so a typo fails
 * `cdk synth`, not the deploy. `computeType` defaults to the deployment's compute.
 */
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcards, managedPolicyFinding } from '../nag';
import type { CustomResourceEntry } from '../../services/catalog';
import { CLOUD_ENV } from '../../services/cloud/env';
import { repoConfigIssues, unknownConfigKeys, withDefaults, type RepoConfigInput } from '../../services/repos/repo/repo-config';
import type { EventStore } from './event-store';
import { platformFunction } from './platform-function';

export interface BlueprintProps {
  /** `owner/name` on GitHub. */
  readonly repo: string;
  readonly config?: RepoConfigInput;
  /** The catalog's entry of the custom resource's handler. */
  readonly entry: CustomResourceEntry;
  readonly eventStore: EventStore;
  readonly prefix: string;
  /** The deployment's compute: the default of `config.computeType`. */
  readonly defaultComputeType: 'agentcore' | 'ecs';
}

export class Blueprint extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: BlueprintProps) {
    super(scope, id);
    const config: RepoConfigInput = { computeType: props.defaultComputeType, ...props.config };
    const issues = [...unknownConfigKeys(config).map((k) => `${k} is not a RepoConfig setting`), ...repoConfigIssues(props.repo, withDefaults(config))];
    if (!/^[^/\s]+\/[^/\s]+$/.test(props.repo)) issues.unshift('the repository must be owner/name');
    if (issues.length > 0) throw new Error(`Blueprint ${props.repo}: ${issues.join('; ')}`);

    this.resource = new CustomResource(this, 'Onboarding', {
      serviceToken: BlueprintProvider.of(this, props).provider.serviceToken,
      resourceType: props.entry.resourceType,
      properties: { Repo: props.repo, Config: JSON.stringify(config) },
    });
  }
}

/** One provider per stack, shared by every Blueprint. */
class BlueprintProvider extends Construct {
  readonly provider: cr.Provider;
  readonly onEvent: lambda.Function;

  static of(scope: Construct, props: Pick<BlueprintProps, 'entry' | 'eventStore' | 'prefix'>): BlueprintProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild('BlueprintProvider') as BlueprintProvider | undefined) ?? new BlueprintProvider(stack, 'BlueprintProvider', props);
  }

  private constructor(scope: Construct, id: string, props: Pick<BlueprintProps, 'entry' | 'eventStore' | 'prefix'>) {
    super(scope, id);
    const { entry } = props;
    this.onEvent = platformFunction(this, 'OnEvent', {
      entry: entry.lambdaEntry,
      serviceName: entry.name,
      description: entry.description,
      timeout: Duration.seconds(entry.timeoutSeconds),
      memorySize: entry.memoryMb,
      environment: { [CLOUD_ENV.tablePrefix]: props.prefix },
    });
    props.eventStore.grantAppend(this.onEvent);
    this.provider = new cr.Provider(this, 'Provider', { onEventHandler: this.onEvent });
    acknowledge(this.provider, managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'), "The provider framework's own function: CDK gives it the basic execution role (its logs only).");
    acknowledge(this.provider, 'AwsSolutions-L1', "The provider framework's runtime is chosen by CDK, not by us.");
    acknowledgeWildcards(this.provider, /^Resource::<.*\.Arn>:\*$/, 'CDK grants the framework function lambda:InvokeFunction on the onEvent function and its versions (<arn>:*).');
  }
}
