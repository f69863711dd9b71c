/**
 * The `ecs` compute: each session is one ECS task (Fargate) running the agent image (agent/image/),
 * which reads its SessionPayload from the ABCA_SESSION environment variable.
 *
 *   startSession  ListTasks(startedBy) first: a task already started for this session (RUNNING or
 *                 recently STOPPED) is returned as is. Otherwise RunTask: launchType FARGATE,
 *                 awsvpc networking in private subnets (assignPublicIp DISABLED), a container
 *                 override that sets ABCA_SESSION, startedBy = the session id (≤ 36 characters, else a
 *                 hash; see runtime-session-id.ts) and clientToken = `abca-<sessionId>` (ECS
 *                 idempotency, 24 h). handle.ref = the task ARN.
 *                 A retried start after a RunTask that succeeded but whose answer was lost sends the
 *                 same token with a different payload (the deadline is recomputed): ECS answers
 *                 ConflictException, and the task is looked up by startedBy instead.
 *   stopSession   StopTask(reason): ECS sends SIGTERM, and SIGKILL after the container's stopTimeout
 *                 (task definition; set it to the agent's safety-net push time, Fargate allows up to
 *                 120 s). Without a ref the task is found by startedBy. A task already gone is fine.
 *   describe      DescribeTasks: lastStatus STOPPED → ended, any other status (PROVISIONING, PENDING,
 *                 RUNNING, DEPROVISIONING…) → running, unknown to ECS → unknown.
 *
 * RunTask `failures[]` become ComputeStartError: capacity and placement trouble (RESOURCE:*, "Capacity
 * is unavailable", AGENT, timeouts) is retryable; anything else (MISSING, INACTIVE task definition,
 * ATTRIBUTE…) is not. SDK errors are mapped as for every AWS compute (aws-errors.ts).
 *
 * IAM for the platform: ecs:RunTask, ecs:ListTasks, ecs:DescribeTasks, ecs:StopTask on the cluster and
 * task definition, and iam:PassRole for the task's execution and task roles. Secrets the agent needs
 * (model provider keys, git tokens) belong in the task definition's `secrets` (Secrets Manager), not
 * in the override: the override only carries the payload, which holds no secret.
 */
import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClientConfig,
  type Failure,
  type TaskOverride,
} from '@aws-sdk/client-ecs';
import type { ComputeStrategy, SessionHandle, SessionInput, SessionLiveness } from '../../ports/compute';
import { ComputeStartError } from '../../tasks/session/compute-errors';
import { computeStartErrorFrom } from './aws-errors';
import { ecsClientTokenFor, ecsStartedByFor } from './runtime-session-id';
import { SESSION_ENV, encodeSessionPayload, type SessionPayloadBuilder } from './session-payload';

export interface EcsComputeOptions {
  /** Cluster name or ARN. */
  readonly cluster: string;
  /** Task definition `family:revision` or ARN. */
  readonly taskDefinition: string;
  /** The agent's container in the task definition (receives ABCA_SESSION). */
  readonly containerName: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly payload: SessionPayloadBuilder;
  /** Default DISABLED: private subnets with a NAT gateway or VPC endpoints. */
  readonly assignPublicIp?: 'ENABLED' | 'DISABLED';
  /** Fargate platform version (default: LATEST, chosen by ECS). */
  readonly platformVersion?: string;
  readonly client?: ECSClient;
  readonly clientConfig?: ECSClientConfig;
}

/** ECS caps the JSON of a RunTask's overrides at 8192 characters. */
const ECS_OVERRIDES_MAX_CHARS = 8192;

const RETRYABLE_FAILURE = /^RESOURCE:|capacity|^AGENT$|timeout|throttl|unavailable|try again/i;
const RUNNING_OR_STOPPED = ['RUNNING', 'STOPPED'] as const;

export class EcsCompute implements ComputeStrategy {
  readonly type = 'ecs' as const;
  private readonly client: ECSClient;

  constructor(private readonly options: EcsComputeOptions) {
    if (options.subnets.length === 0) throw new Error('ecs compute: at least one subnet is required');
    this.client = options.client ?? new ECSClient(options.clientConfig ?? {});
  }

  async startSession(input: SessionInput): Promise<SessionHandle> {
    const startedBy = ecsStartedByFor(input.sessionId);
    const payload = await encodeSessionPayload(this.options.payload, input);
    const overrides: TaskOverride = {
      containerOverrides: [{ name: this.options.containerName, environment: [{ name: SESSION_ENV, value: payload }] }],
    };
    const overridesChars = JSON.stringify(overrides).length;
    if (overridesChars > ECS_OVERRIDES_MAX_CHARS) {
      throw new ComputeStartError(`the session payload makes the ECS overrides ${overridesChars} characters long; ECS accepts ${ECS_OVERRIDES_MAX_CHARS}`, false);
    }

    const existing = await this.lookup(startedBy, `ListTasks (session ${input.sessionId})`);
    if (existing) return this.handle(input.sessionId, existing);

    let out;
    try {
      out = await this.client.send(
        new RunTaskCommand({
          cluster: this.options.cluster,
          taskDefinition: this.options.taskDefinition,
          launchType: 'FARGATE',
          ...(this.options.platformVersion ? { platformVersion: this.options.platformVersion } : {}),
          count: 1,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [...this.options.subnets],
              securityGroups: [...this.options.securityGroups],
              assignPublicIp: this.options.assignPublicIp ?? 'DISABLED',
            },
          },
          overrides,
          startedBy,
          clientToken: ecsClientTokenFor(input.sessionId),
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name === 'ConflictException') {
        // Our token was used by an earlier, successful RunTask of this session (with another deadline).
        const started = await this.lookup(startedBy, `ListTasks after a RunTask conflict (session ${input.sessionId})`);
        if (started) return this.handle(input.sessionId, started);
        throw new ComputeStartError(`RunTask for session ${input.sessionId} conflicts with an earlier start whose task is not listed yet`, true);
      }
      throw computeStartErrorFrom(err, `RunTask (session ${input.sessionId})`);
    }
    const taskArn = out.tasks?.[0]?.taskArn;
    if (taskArn) return this.handle(input.sessionId, taskArn);
    throw failuresError(input.sessionId, out.failures ?? []);
  }

  async stopSession(handle: SessionHandle): Promise<void> {
    const taskArn = handle.ref ?? (await this.find(handle.sessionId));
    if (!taskArn) return;
    try {
      await this.client.send(
        new StopTaskCommand({ cluster: this.options.cluster, task: taskArn, reason: `ABCA stopped agent session ${handle.sessionId}`.slice(0, 255) }),
      );
    } catch (err) {
      const e = err as { name?: string; message?: string };
      if ((e.name === 'InvalidParameterException' || e.name === 'ClientException') && /not found|does not exist/i.test(e.message ?? '')) return;
      throw err;
    }
  }

  async describe(handle: SessionHandle): Promise<SessionLiveness> {
    const taskArn = handle.ref ?? (await this.find(handle.sessionId));
    if (!taskArn) return 'unknown';
    const out = await this.client.send(new DescribeTasksCommand({ cluster: this.options.cluster, tasks: [taskArn] }));
    const task = out.tasks?.find((t) => t.taskArn === taskArn) ?? out.tasks?.[0];
    if (!task?.lastStatus) return 'unknown';
    return task.lastStatus === 'STOPPED' ? 'ended' : 'running';
  }

  private handle(sessionId: string, taskArn: string): SessionHandle {
    return { computeType: 'ecs', sessionId, ref: taskArn };
  }

  /** The task started for a session (by its startedBy tag): RUNNING (incl. pending) first, then recently STOPPED. */
  private async taskStartedBy(startedBy: string): Promise<string | undefined> {
    for (const desiredStatus of RUNNING_OR_STOPPED) {
      const out = await this.client.send(new ListTasksCommand({ cluster: this.options.cluster, startedBy, desiredStatus }));
      const arn = out.taskArns?.[0];
      if (arn) return arn;
    }
    return undefined;
  }

  private async find(sessionId: string): Promise<string | undefined> {
    let startedBy: string;
    try {
      startedBy = ecsStartedByFor(sessionId);
    } catch {
      return undefined; // an id no task can carry
    }
    return this.taskStartedBy(startedBy);
  }

  /** taskStartedBy during a start: its errors are start errors. */
  private async lookup(startedBy: string, operation: string): Promise<string | undefined> {
    try {
      return await this.taskStartedBy(startedBy);
    } catch (err) {
      throw computeStartErrorFrom(err, operation);
    }
  }
}

function failuresError(sessionId: string, failures: readonly Failure[]): ComputeStartError {
  if (failures.length === 0) return new ComputeStartError(`RunTask for session ${sessionId} started no task and reported no failure`, true);
  const describe = (f: Failure) => [f.reason, f.detail].filter(Boolean).join(': ') || 'unknown failure';
  const retryable = failures.every((f) => RETRYABLE_FAILURE.test(f.reason ?? '') || RETRYABLE_FAILURE.test(f.detail ?? ''));
  return new ComputeStartError(`RunTask for session ${sessionId} failed: ${failures.map(describe).join('; ')}`, retryable);
}
