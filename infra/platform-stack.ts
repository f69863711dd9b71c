/**
 * The whole platform in one stack (docs/ARCHITECTURE.md "The cloud"): the constructs wired together. Every consumer
 * (services, projections, the publisher, the session monitor, the API, the notifier, the task-event log, Blueprints)
 * comes from the catalog, by its kind, and tables from the shared definitions; nothing is listed here.
 *
 *   bus (+ archive) ← publisher ← event store (DynamoDB Stream)
 *   bus → rule per catalog entry → SQS (+ DLQ) → service function
 *   agents (AgentCore | ECS) → telemetry stream → session monitor
 *   REST API (Cognito + API keys, WAF) → event store, views
 *   notifier rule → Slack; Blueprints → RepoOnboarded; dashboard and alarms
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CATALOG, type RuleTargetEntry } from '../services/catalog';
import { assertNever } from '../services/kernel/decider';
import { CLOUD_ENV } from '../services/cloud/env';
import { metricsNamespace } from '../services/kernel/metric-names';
import { GUARDRAIL_ID_ENV, GUARDRAIL_VERSION_ENV } from '../services/tasks/hydration/screening-factory';
import type { PlatformConfig } from './config';
import { AgentCompute } from './constructs/agent-compute';
import { BlobStore } from './constructs/blob-store';
import { Blueprint } from './constructs/blueprint';
import { EventBus } from './constructs/event-bus';
import { EventStore } from './constructs/event-store';
import { Notifications } from './constructs/notifications';
import { Observability } from './constructs/observability';
import { METRICS_NAMESPACE_CONTEXT } from './constructs/platform-function';
import { PlatformTables } from './constructs/platform-tables';
import { Scheduler } from './constructs/scheduler';
import { Service } from './constructs/service';
import { serviceGrants } from './constructs/service-grants';
import { TaskApi } from './constructs/task-api';
import { acknowledge } from './nag';
import { Telemetry } from './constructs/telemetry';

export interface PlatformStackProps extends StackProps {
  readonly config: PlatformConfig;
}

export class PlatformStack extends Stack {
  readonly bus: EventBus;
  readonly eventStore: EventStore;
  readonly tables: PlatformTables;
  readonly blobs: BlobStore;
  readonly scheduler: Scheduler;
  readonly telemetry: Telemetry;
  readonly compute: AgentCompute;
  readonly services: ReadonlyMap<string, Service>;
  readonly api: TaskApi;
  readonly notifications?: Notifications;
  readonly blueprints: readonly Blueprint[];
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { prefix } = config;
    // Every platform function's EMF namespace (infra/constructs/platform-function.ts), before any function is made.
    this.node.setContext(METRICS_NAMESPACE_CONTEXT, metricsNamespace(prefix));

    this.bus = new EventBus(this, 'EventBus', { busName: prefix, archiveRetentionDays: config.archiveRetentionDays });
    this.eventStore = new EventStore(this, 'EventStore', { prefix, bus: this.bus.bus });
    this.tables = new PlatformTables(this, 'Tables', { prefix });
    this.blobs = new BlobStore(this, 'BlobStore');
    this.scheduler = new Scheduler(this, 'Scheduler', { prefix, bus: this.bus.bus });
    this.telemetry = new Telemetry(this, 'Telemetry', { prefix });
    const gitToken = config.gitTokenSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'GitHubToken', config.gitTokenSecretArn)
      : this.gitTokenPlaceholder(prefix);
    this.compute = new AgentCompute(this, 'Compute', {
      prefix,
      compute: config.compute,
      telemetryStream: this.telemetry.stream,
      blobs: this.blobs,
      gitTokenSecret: gitToken,
      imageUri: config.agentImageUri,
    });

    // The variables of the services' ports (services/cloud/cloud-ports.ts); each function reads only its ports' own.
    const environment: Record<string, string> = {
      [CLOUD_ENV.tablePrefix]: prefix,
      [CLOUD_ENV.eventBusName]: this.bus.bus.eventBusName,
      [CLOUD_ENV.eventBusArn]: this.bus.bus.eventBusArn,
      [CLOUD_ENV.blobBucket]: this.blobs.bucket.bucketName,
      [CLOUD_ENV.gitTokenSecretArn]: gitToken.secretArn,
      [CLOUD_ENV.telemetryStream]: this.telemetry.stream.streamName,
      ...this.scheduler.environment,
      ...this.compute.environment,
      ...(config.guardrail ? { [GUARDRAIL_ID_ENV]: config.guardrail.id, [GUARDRAIL_VERSION_ENV]: config.guardrail.version } : {}),
    };
    const grants = serviceGrants({ bus: this.bus.bus, eventStore: this.eventStore, tables: this.tables, blobs: this.blobs, scheduler: this.scheduler, compute: this.compute, gitToken, guardrail: config.guardrail });

    // Every consumer comes from the catalog, built by its kind (services/catalog-entry.ts): every
    // Lambda function and every EventBridge rule of the stack (infra/test/catalog.test.ts counts them).
    const services = new Construct(this, 'Services');
    const blueprints = new Construct(this, 'Blueprints');
    const built = { services: new Map<string, Service>(), blueprints: [] as Blueprint[], api: undefined as TaskApi | undefined, taskEventLog: undefined as RuleTargetEntry | undefined };
    for (const entry of CATALOG) {
      switch (entry.kind) {
        case 'queue':
          built.services.set(entry.name, new Service(services, entry.name, { entry, prefix, bus: this.bus, environment, grants }));
          break;
        case 'stream':
          this.eventStore.addPublisher(entry);
          break;
        case 'kinesis':
          grants.base(this.telemetry.addMonitor(entry, environment), entry);
          break;
        case 'http':
          built.api = new TaskApi(this, 'TaskApi', {
            entry,
            prefix,
            eventStore: this.eventStore,
            tables: this.tables,
            blobBucketName: this.blobs.bucket.bucketName,
            admins: config.admins,
            githubWebhookSecretArn: config.githubWebhookSecretArn,
          });
          break;
        case 'rule-target':
          if (entry.requires === 'slack-webhook' && !config.slackWebhookSecret) break;
          if (entry.target === 'api-destination') {
            this.notifications = new Notifications(this, 'Notifications', { entry, prefix, bus: this.bus.bus, webhookUrlSecret: config.slackWebhookSecret!, deadLetterQueue: this.bus.deliveryDeadLetterQueue });
          } else {
            built.taskEventLog = entry; // the observability construct copies the events into its log group
          }
          break;
        case 'custom-resource':
          for (const spec of config.blueprints) {
            built.blueprints.push(new Blueprint(blueprints, spec.repo.replace(/[^A-Za-z0-9-]/g, '-'), { ...spec, entry, eventStore: this.eventStore, prefix, defaultComputeType: config.compute }));
          }
          break;
        default:
          assertNever(entry, 'catalog entry');
      }
    }
    if (!built.api || !built.taskEventLog) throw new Error('the catalog needs its http entry (the REST API) and its log-group rule target (the task-event log)');
    this.services = built.services;
    this.blueprints = built.blueprints;
    this.api = built.api;

    this.observability = new Observability(this, 'Observability', {
      prefix,
      bus: this.bus.bus,
      deliveryDeadLetterQueue: this.bus.deliveryDeadLetterQueue,
      publisher: this.eventStore.publisher,
      sessionMonitor: this.telemetry.monitor,
      taskEvents: built.taskEventLog,
      api: this.api.api,
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url, description: 'The REST API (bgagent configure --api-url)' });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: this.bus.bus.eventBusName });
    new CfnOutput(this, 'ArchiveName', { value: this.bus.archive.archiveName, description: 'aws events start-replay --event-source-arn <bus ARN> ... (docs/DEPLOY.md)' });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.bus.eventBusArn });
    new CfnOutput(this, 'GitTokenSecretArn', { value: gitToken.secretArn, description: 'Put the GitHub token here (docs/DEPLOY.md)' });
    new CfnOutput(this, 'DashboardName', { value: `${prefix}-platform` });
  }

  /** The GitHub token's secret, created empty-ish: put the real token in after the first deploy (docs/DEPLOY.md). */
  private gitTokenPlaceholder(prefix: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'GitHubToken', {
      secretName: `${prefix}/github-token`,
      description: 'GitHub token the platform and its agents use (replace the generated placeholder).',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    acknowledge(secret, 'AwsSolutions-SMG4', 'A GitHub token is rotated in GitHub (fine-grained tokens expire); Secrets Manager cannot rotate it. Put the new token with put-secret-value.');
    return secret;
  }
}
