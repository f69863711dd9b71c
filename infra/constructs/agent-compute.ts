/**
 * Where agent sessions run (docs/ARCHITECTURE.md "Compute"): an Amazon Bedrock AgentCore runtime (default) or ECS
 * Fargate (CDK context `compute=ecs`), both on the agent image (agent/image/Dockerfile).
 *
 * The image: built from the repository root with the Dockerfile's allowlist
 * (agent/image/Dockerfile.dockerignore) as a CDK Docker image asset, for linux/arm64 (AgentCore
 * runs arm64 only). Synthesis only stages the build context; `cdk deploy` builds and pushes it, so
 * the deploying machine needs Docker. Or build and push it yourself and pass its URI as the context
 * `agentImageUri` (docs/DEPLOY.md); then nothing is built at deploy.
 *
 * The session role: the identity the agent's code runs with (the AgentCore runtime's role, the ECS
 * task role). Its session policy allows exactly:
 *   - kinesis:PutRecord, kinesis:PutRecords on the telemetry stream;
 *   - s3:GetObject on `prompts/*` of the blob bucket (its prompt, by the claim check's reference);
 *   - s3:GetObject on `nudges/*` and s3:ListBucket for the `nudges/` prefix (its nudge inbox,
 *     polled between turns).
 * Narrower is not possible with one role for every session: each session would need credentials
 * of its own (AssumeRole with a session policy on `prompts/<taskId>/*`), which the computes do not
 * offer per session. The model is reached through a second, separate policy (Bedrock InvokeModel
 * on Anthropic models). On AgentCore the same role also pulls the image and writes the runtime's
 * logs (AgentCore uses one role for both): a third policy, scoped to the image's repository and
 * the runtime's log groups. On ECS those belong to the task's execution role instead, which also
 * reads the GitHub token into the container (ECS `secrets`): the agent's role never can. AgentCore
 * passes no secrets into containers, so there the session role may read that one secret itself
 * (the payload's gitTokenRef).
 */
import { ArnFormat, Duration, Fn, IgnoreMode, Stack } from 'aws-cdk-lib';
import * as bedrockagentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CloudCompute } from '../../services/cloud/deps-from-env';
import { CLOUD_ENV } from '../../services/cloud/env';
import { BLOB_PREFIXES, type BlobStore } from './blob-store';
import { REPO_ROOT } from './platform-function';
import { acknowledgeWildcards } from '../nag';

export interface AgentComputeProps {
  readonly prefix: string;
  readonly compute: CloudCompute;
  readonly telemetryStream: kinesis.IStream;
  readonly blobs: BlobStore;
  /** The GitHub token the agent pushes with (ECS: given to the container through the task definition). */
  readonly gitTokenSecret: secretsmanager.ISecret;
  /** A pushed image (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`); default: built from agent/image. */
  readonly imageUri?: string;
  /** ECS only: SIGTERM → SIGKILL; above the agent's own grace for its safety-net push (agent/image/README.md). */
  readonly stopTimeout?: Duration;
}

interface AgentImage {
  readonly uri: string;
  readonly repository: ecr.IRepository;
  readonly tag: string;
}

export class AgentCompute extends Construct {
  readonly sessionRole: iam.Role;
  /** Telemetry and the agent's own blobs: nothing else (see the file's comment). */
  readonly sessionPolicy: iam.Policy;
  readonly modelPolicy: iam.Policy;
  readonly runtime?: bedrockagentcore.CfnRuntime;
  readonly cluster?: ecs.Cluster;
  readonly taskDefinition?: ecs.FargateTaskDefinition;
  /** The variables the services read to reach the compute (services/cloud/env.ts). */
  readonly environment: Record<string, string>;
  private readonly grantSessionsTo: (grantee: iam.IGrantable) => void;

  constructor(scope: Construct, id: string, props: AgentComputeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const image = this.image(props.imageUri);

    this.sessionRole = new iam.Role(this, 'SessionRole', {
      description: 'The identity of agent sessions: telemetry out, own prompt and nudges in.',
      assumedBy:
        props.compute === 'agentcore'
          ? new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com', {
              conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'bedrock-agentcore', resource: '*' }) } },
            })
          : new iam.ServicePrincipal('ecs-tasks.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    this.sessionPolicy = new iam.Policy(this, 'SessionPolicy', {
      roles: [this.sessionRole],
      statements: [
        new iam.PolicyStatement({ sid: 'Telemetry', actions: ['kinesis:PutRecord', 'kinesis:PutRecords'], resources: [props.telemetryStream.streamArn] }),
        new iam.PolicyStatement({ sid: 'OwnPrompt', actions: ['s3:GetObject'], resources: [props.blobs.objectsArn(BLOB_PREFIXES.prompts)] }),
        new iam.PolicyStatement({ sid: 'NudgeInbox', actions: ['s3:GetObject'], resources: [props.blobs.objectsArn(BLOB_PREFIXES.nudges)] }),
        new iam.PolicyStatement({
          sid: 'ListNudgeInbox',
          actions: ['s3:ListBucket'],
          resources: [props.blobs.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${BLOB_PREFIXES.nudges}*`] } },
        }),
      ],
    });
    this.modelPolicy = new iam.Policy(this, 'ModelPolicy', {
      roles: [this.sessionRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeClaude',
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: [
            // Cross-region inference profiles route to the foundation model in any region of their geography.
            `arn:${stack.partition}:bedrock:*::foundation-model/anthropic.*`,
            stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: '*anthropic.*' }),
          ],
        }),
      ],
    });
    acknowledgeWildcards(this.sessionPolicy, /^Resource::<.*\.Arn>\/(prompts|nudges)\/\*$/, 'Prompts and nudge inboxes are per task (prompts/<taskId>/..., nudges/<taskId>/...); one role serves every session, so the prefix is as narrow as it can be (see agent-compute.ts).');
    acknowledgeWildcards(this.modelPolicy, /^Resource::arn:.+:bedrock:.*:(foundation-model\/anthropic\.\*|inference-profile\/\*anthropic\.\*)$/, "Anthropic models on Bedrock only: the model id is each repository's RepoConfig, chosen at run time, and cross-region inference reaches the model in several regions.");

    if (props.compute === 'agentcore') {
      // AgentCore passes no secrets into the container: the agent reads its git token itself
      // (payload.gitTokenRef, agent/adapters/git-token.ts) — this one secret, nothing else.
      this.sessionPolicy.addStatements(new iam.PolicyStatement({ sid: 'GitToken', actions: ['secretsmanager:GetSecretValue'], resources: [props.gitTokenSecret.secretArn] }));
      this.runtime = this.agentCoreRuntime(props, image);
      const runtimeArn = this.runtime.attrAgentRuntimeArn;
      this.environment = { [CLOUD_ENV.compute]: 'agentcore', [CLOUD_ENV.agentRuntimeArn]: runtimeArn };
      this.grantSessionsTo = (grantee) => {
        grantee.grantPrincipal.addToPrincipalPolicy(
          new iam.PolicyStatement({ sid: 'AgentCoreSessions', actions: ['bedrock-agentcore:InvokeAgentRuntime', 'bedrock-agentcore:StopRuntimeSession'], resources: [runtimeArn, `${runtimeArn}/*`] }),
        );
        suppressWildcard(grantee, "The runtime's endpoints (runtime-endpoint/DEFAULT) are sub-resources of the one runtime.", /^Resource::<.*\.AgentRuntimeArn>\/\*$/);
      };
    } else {
      const { cluster, taskDefinition, container, vpc, securityGroup } = this.fargate(props, image);
      this.cluster = cluster;
      this.taskDefinition = taskDefinition;
      this.environment = {
        [CLOUD_ENV.compute]: 'ecs',
        [CLOUD_ENV.ecsCluster]: cluster.clusterArn,
        [CLOUD_ENV.ecsTaskDefinition]: taskDefinition.taskDefinitionArn,
        [CLOUD_ENV.ecsContainer]: container.containerName,
        [CLOUD_ENV.ecsSubnets]: Fn.join(',', vpc.privateSubnets.map((s) => s.subnetId)),
        [CLOUD_ENV.ecsSecurityGroups]: securityGroup.securityGroupId,
      };
      this.grantSessionsTo = (grantee) => {
        const inCluster = { ArnEquals: { 'ecs:cluster': cluster.clusterArn } };
        const principal = grantee.grantPrincipal;
        principal.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EcsRunAgent', actions: ['ecs:RunTask'], resources: [taskDefinition.taskDefinitionArn], conditions: inCluster }));
        principal.addToPrincipalPolicy(
          new iam.PolicyStatement({ sid: 'EcsAgentTasks', actions: ['ecs:StopTask', 'ecs:DescribeTasks', 'ecs:ListTasks'], resources: ['*'], conditions: inCluster }),
        );
        principal.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'EcsPassAgentRoles',
            actions: ['iam:PassRole'],
            resources: [taskDefinition.taskRole.roleArn, taskDefinition.obtainExecutionRole().roleArn],
            conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
          }),
        );
        suppressWildcard(grantee, 'ECS task ARNs are only known at run time; the ecs:cluster condition limits these calls to the agent cluster.', /^Resource::\*$/);
      };
    }
  }

  /** Start, stop and describe sessions (the session, cancellation and watchdog services). */
  grantSessions(grantee: iam.IGrantable): void {
    this.grantSessionsTo(grantee);
  }

  private image(uri: string | undefined): AgentImage {
    if (uri) {
      const match = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([^:@]+)[:@](.+)$/.exec(uri);
      if (!match) throw new Error(`agentImageUri ${JSON.stringify(uri)} is not an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)`);
      return { uri, repository: ecr.Repository.fromRepositoryName(this, 'ImageRepository', match[1]!), tag: match[2]! };
    }
    // The Dockerfile's own allowlist decides what enters the build context (nothing is listed twice).
    const exclude = readFileSync(path.join(REPO_ROOT, 'agent/image/Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const asset = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: REPO_ROOT,
      file: 'agent/image/Dockerfile',
      platform: ecrAssets.Platform.LINUX_ARM64,
      exclude,
      ignoreMode: IgnoreMode.DOCKER,
      displayName: 'abca-agent',
    });
    return { uri: asset.imageUri, repository: asset.repository, tag: asset.imageTag };
  }

  private agentCoreRuntime(props: AgentComputeProps, image: AgentImage): bedrockagentcore.CfnRuntime {
    const stack = Stack.of(this);
    const runtimeLogs = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/bedrock-agentcore/runtimes/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const infra = new iam.Policy(this, 'RuntimePolicy', {
      roles: [this.sessionRole],
      statements: [
        new iam.PolicyStatement({ sid: 'PullAgentImage', actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [image.repository.repositoryArn] }),
        new iam.PolicyStatement({ sid: 'EcrToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'RuntimeLogs', actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [runtimeLogs, `${runtimeLogs}:log-stream:*`] }),
      ],
    });
    acknowledgeWildcards(infra, /^Resource::(\*|arn:.+:logs:.+:log-group:\/aws\/bedrock-agentcore\/runtimes\/\*(:log-stream:\*)?)$/, 'ecr:GetAuthorizationToken has no resource; the runtime names its own log groups and streams under /aws/bedrock-agentcore/runtimes/.');
    const runtime = new bedrockagentcore.CfnRuntime(this, 'Runtime', {
      // AgentCore names: a letter, then letters, digits and underscores.
      agentRuntimeName: `${props.prefix.replace(/[^A-Za-z0-9]/g, '_')}_agent`,
      description: 'ABCA agent sessions (agent/image).',
      agentRuntimeArtifact: { containerConfiguration: { containerUri: image.uri } },
      roleArn: this.sessionRole.roleArn,
      // The agent clones from and pushes to GitHub, and reaches Bedrock: outbound internet.
      networkConfiguration: { networkMode: 'PUBLIC' },
      protocolConfiguration: 'HTTP',
      // Up to AgentCore's 8 h per session; the image reports HealthyBusy while its agent works.
      lifecycleConfiguration: { idleRuntimeSessionTimeout: 900, maxLifetime: 28_800 },
    });
    runtime.node.addDependency(infra, this.sessionPolicy, this.modelPolicy);
    return runtime;
  }

  private fargate(props: AgentComputeProps, image: AgentImage) {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // One NAT gateway: agents only go out (GitHub, Bedrock); two would double its fixed cost.
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'agents', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH })) } },
    });
    const securityGroup = new ec2.SecurityGroup(this, 'AgentSecurityGroup', { vpc, description: 'Agent tasks: outbound only.', allowAllOutbound: true });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'AgentTask', {
      cpu: 2048,
      memoryLimitMiB: 4096,
      ephemeralStorageGiB: 50,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      taskRole: this.sessionRole,
    });
    const container = taskDefinition.addContainer('agent', {
      image: ecs.ContainerImage.fromEcrRepository(image.repository, image.tag),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'agent', logGroup: new logs.LogGroup(this, 'AgentLogs', { retention: logs.RetentionDays.ONE_MONTH }) }),
      // Read by the execution role at start; the agent's own role cannot read the secret.
      secrets: { ABCA_GIT_TOKEN: ecs.Secret.fromSecretsManager(props.gitTokenSecret) },
      stopTimeout: props.stopTimeout ?? Duration.seconds(45),
    });
    acknowledgeWildcards(taskDefinition, /^Resource::\*$/, "The execution role's ecr:GetAuthorizationToken has no resource: ECS needs it to pull the image.");
    return { vpc, securityGroup, cluster, taskDefinition, container };
  }
}

function suppressWildcard(grantee: iam.IGrantable, reason: string, finding: RegExp): void {
  if (Construct.isConstruct(grantee)) acknowledgeWildcards(grantee, finding, reason);
}
