/** Cloud factory of the compute (AgentCore or ECS) and the payload its agents are handed. */
import { SECRETS_MANAGER_REF, type HarnessSpec, type SessionPayload } from '../../../schemas/agent/contracts';
import { AgentCoreCompute } from '../../adapters/compute/agentcore-compute';
import { EcsCompute } from '../../adapters/compute/ecs-compute';
import type { SessionPayloadBuilder } from '../../adapters/compute/session-payload';
import { assertBucketName, s3BlobRefOf } from '../../adapters/s3/s3-ref';
import type { EventStore } from '../../kernel/event-store';
import type { BlobStore } from '../../ports/blob-store';
import type { ComputeStrategy, ComputeType, SessionInput } from '../../ports/compute';
import { loadRepoConfig } from '../../repos/repo/load-repo-config';
import { heartbeatSecondsFor } from '../../tasks/session/heartbeat';
import { nudgeInboxRef } from '../../tasks/nudge-delivery/inbox';
import type { CloudPortFactory } from '../cloud-ports';
import { CLOUD_ENV, listOf } from '../env';
import { cloudStore } from './dynamodb';

/** The computes a cloud deployment offers (`local` in a RepoConfig means the deployment's own). */
export const CLOUD_COMPUTES = ['agentcore', 'ecs'] as const;
export type CloudCompute = (typeof CLOUD_COMPUTES)[number];

/** The harness of cloud sessions unless ABCA_AGENT_HARNESS says otherwise. */
const DEFAULT_CLOUD_HARNESS: HarnessSpec = { type: 'claude', provider: 'bedrock' };

/**
 * AgentCore or ECS (ABCA_COMPUTE), with the agent's payload: the repository's verification (read
 * from the event store), the telemetry stream, the nudge inbox in the blob bucket, the GitHub
 * token's secret. Its variables: the compute's own (the runtime ARN, or the ECS cluster, task
 * definition, container, subnets and security groups), ABCA_TELEMETRY_STREAM,
 * ABCA_GIT_TOKEN_SECRET_ARN, ABCA_BLOB_BUCKET and ABCA_TABLE_PREFIX.
 */
export const cloudCompute: CloudPortFactory<'compute'> = (ctx) => {
  const compute = ctx.env[CLOUD_ENV.compute]?.trim();
  const v = ctx.read(
    compute === 'ecs'
      ? (['tablePrefix', 'blobBucket', 'compute', 'gitTokenSecretArn', 'telemetryStream', 'ecsCluster', 'ecsTaskDefinition', 'ecsContainer', 'ecsSubnets', 'ecsSecurityGroups'] as const)
      : (['tablePrefix', 'blobBucket', 'compute', 'gitTokenSecretArn', 'telemetryStream', 'agentRuntimeArn'] as const),
    ['agentHarness', 'agentRuntimeArn', 'ecsCluster', 'ecsTaskDefinition', 'ecsContainer', 'ecsSubnets', 'ecsSecurityGroups'],
  );
  if (!(CLOUD_COMPUTES as readonly string[]).includes(v.compute)) {
    throw new Error(`${ctx.what}: ${CLOUD_ENV.compute}=${JSON.stringify(v.compute)}; set it to one of ${CLOUD_COMPUTES.join(', ')}`);
  }
  const deployed = v.compute as CloudCompute;
  const store = cloudStore(ctx);
  assertBucketName(v.blobBucket);
  const blobRefs = { refOf: (key: string) => s3BlobRefOf(v.blobBucket, '', key) };
  const harness = harnessFrom(v.agentHarness);
  const payload: SessionPayloadBuilder = async (input) =>
    cloudSessionPayload(input, { store, blobs: blobRefs, harness, telemetryStream: v.telemetryStream, region: ctx.env.AWS_REGION, gitTokenSecretArn: v.gitTokenSecretArn });
  let strategy: ComputeStrategy | undefined;
  return (type: ComputeType): ComputeStrategy => {
    if (type !== 'local' && type !== deployed) {
      throw new Error(`compute "${type}" is not deployed here: this deployment runs agents on "${deployed}" (CDK context "compute"); change the repository's computeType`);
    }
    strategy ??=
      deployed === 'agentcore'
        ? new AgentCoreCompute({ agentRuntimeArn: v.agentRuntimeArn!, payload })
        : new EcsCompute({
            cluster: v.ecsCluster!,
            taskDefinition: v.ecsTaskDefinition!,
            containerName: v.ecsContainer!,
            subnets: listOf(v.ecsSubnets),
            securityGroups: listOf(v.ecsSecurityGroups),
            payload,
          });
    return strategy;
  };
};

/** What the agent is handed in the cloud: GitHub, the repository's verification, the telemetry stream. */
export async function cloudSessionPayload(
  input: SessionInput,
  options: {
    readonly store: Pick<EventStore, 'readStream'>;
    readonly blobs: Pick<BlobStore, 'refOf'>;
    readonly harness: HarnessSpec;
    readonly telemetryStream: string;
    readonly region: string | undefined;
    /** Named in the payload for computes that cannot pass the token in the environment (AgentCore). */
    readonly gitTokenSecretArn?: string;
  },
): Promise<SessionPayload> {
  const config = await loadRepoConfig(options.store as EventStore, input.repo);
  return {
    ...input,
    cloneUrl: `https://github.com/${input.repo}.git`,
    gitApiUrl: 'https://api.github.com',
    harness: options.harness,
    verify: config.verify,
    telemetry: { streamName: options.telemetryStream, region: options.region ?? 'us-east-1' },
    // Consistent with the watchdog's threshold for this repository (services/tasks/session/heartbeat.ts).
    heartbeatSeconds: heartbeatSecondsFor(config.session.heartbeatTimeoutSeconds),
    nudgesRef: nudgeInboxRef(options.blobs, input.taskId),
    ...(options.gitTokenSecretArn ? { gitTokenRef: `${SECRETS_MANAGER_REF}${options.gitTokenSecretArn}` } : {}),
  };
}

function harnessFrom(json: string | undefined): HarnessSpec {
  if (json === undefined) return DEFAULT_CLOUD_HARNESS;
  try {
    const spec = JSON.parse(json) as HarnessSpec;
    if (spec && ['claude', 'command', 'replay'].includes(spec.type)) return spec;
  } catch {
    // reported below
  }
  throw new Error(`${CLOUD_ENV.agentHarness} is not a harness spec (JSON such as {"type":"claude","provider":"bedrock"})`);
}

