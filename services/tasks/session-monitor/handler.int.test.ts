/**
 * The session monitor's Lambda entry (handler.ts), loaded as Lambda loads it — its environment as
 * the CDK app sets it, its DynamoDB client pointed at DynamoDB Local — emits the session's cost and
 * turns as one CloudWatch EMF blob on stdout at the end of the invocation: the names, namespace and
 * dimensions the dashboard reads (services/kernel/metric-names.ts). A duplicate report emits
 * nothing, and outside Lambda (the embedded platform) nothing is emitted at all.
 */
import path from 'node:path';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import type { FinalReport, TelemetryRecord } from '../../../schemas/agent/contracts';
import { PROGRESS_TABLES } from '../../../projections/progress-view/tables';
import { createIsolatedTables, testEndpoint, type IsolatedTables } from '../../../test/support/dynamo';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../adapters/aws/local-endpoint';
import { CLOUD_ENV } from '../../cloud/env';
import { handleCommand } from '../../kernel/command-handler';
import { DynamoDbEventStore } from '../../kernel/dynamodb-event-store';
import { PLATFORM_METRICS } from '../../kernel/metric-names';
import { EVENTS_TABLE } from '../../kernel/tables';
import { withDefaults } from '../../repos/repo/repo-config';
import type { TaskCommand } from '../task/task-commands';
import { taskDecider } from '../task/task-decider';

type Handler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

let db: IsolatedTables;
let store: DynamoDbEventStore;
beforeAll(async () => {
  db = await createIsolatedTables([EVENTS_TABLE, ...PROGRESS_TABLES], 'sm');
  store = new DynamoDbEventStore({ client: db.client, tableName: db.name(EVENTS_TABLE) });
});
afterAll(async () => db.drop());

const saved = process.env;
afterEach(() => {
  process.env = saved;
  jest.restoreAllMocks();
});

/** The function's environment as deployed (its ports' variables, Powertools'), plus Lambda's own and DynamoDB Local's endpoint. */
function lambdaEnvironment(inLambda: boolean): NodeJS.ProcessEnv {
  return {
    PATH: saved.PATH,
    [CLOUD_ENV.tablePrefix]: db.prefix,
    POWERTOOLS_SERVICE_NAME: 'session-monitor',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_NAMESPACE: 'ABCA/test',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: testEndpoint(),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(inLambda ? { AWS_LAMBDA_FUNCTION_NAME: 'abca-session-monitor' } : {}),
  };
}

/** handler.ts in a fresh module registry (a cold start) with `env` as process.env for the test. */
function coldStart(env: NodeJS.ProcessEnv): Handler {
  process.env = env;
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(path.join(__dirname, 'handler.ts')) as { handler: Handler }).handler;
  });
  return handler!;
}

async function runningTask(): Promise<{ taskId: string; sessionId: string }> {
  const taskId = ulid();
  const sessionId = `s-${taskId}-1`;
  const command = (cmd: TaskCommand) => handleCommand(store, taskDecider, { type: 'Task', id: taskId }, cmd, { correlationId: taskId, causationId: `test:${cmd.type}`, actor: 'system', now: new Date() });
  await command({ type: 'SubmitTask', taskId, userId: 'user-1', repo: 'octo/widgets', taskDescription: 'Fix the login test', issueNumber: null, channelSource: 'api', idempotencyKey: null, repoConfig: withDefaults(), now: new Date().toISOString() });
  await command({ type: 'AdmitTask', fromQueue: false });
  await command({ type: 'RecordHydration', promptVersion: '0123456789ab', promptRef: `prompts/${taskId}.json`, estimatedTokens: 1200, sources: { issue: false, comments: 0, memoryItems: 0 }, trimmedComments: 0 });
  await command({ type: 'StartSession', sessionId, computeType: 'local', deadlineAt: new Date(Date.now() + 3_600_000).toISOString() });
  return { taskId, sessionId };
}

const REPORT: FinalReport = { outcome: 'success', error: null, turns: 11, costUsd: 0.37, commits: 1, prUrl: 'https://github.com/octo/widgets/pull/5', prNumber: 5, buildPassed: true, lintPassed: null };

let sequence = 10n ** 20n;
function finalReport(taskId: string, sessionId: string): KinesisStreamEvent {
  const record: TelemetryRecord = { type: 'final_report', taskId, sessionId, seq: 1, at: new Date().toISOString(), report: REPORT };
  const sequenceNumber = String(++sequence);
  return {
    Records: [
      {
        kinesis: { kinesisSchemaVersion: '1.0', partitionKey: taskId, sequenceNumber, data: Buffer.from(JSON.stringify(record)).toString('base64'), approximateArrivalTimestamp: Date.now() / 1000 },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
        awsRegion: LOCAL_REGION,
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/test',
      },
    ],
  };
}

/** Invokes the handler and returns the EMF blobs it wrote to stdout (JSON lines with `_aws`). */
async function emfOf(invoke: () => Promise<KinesisStreamBatchResponse>): Promise<{ response: KinesisStreamBatchResponse; blobs: Array<Record<string, unknown>> }> {
  const written: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const response = await invoke();
  jest.restoreAllMocks();
  const blobs = written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => '_aws' in line);
  return { response, blobs };
}

const context = { functionName: 'abca-session-monitor', awsRequestId: 'r-1' } as Context;

test('in Lambda, a recorded session emits its cost and turns as one EMF blob, under the names the dashboard reads; a duplicate emits nothing', async () => {
  const { taskId, sessionId } = await runningTask();
  const handler = coldStart(lambdaEnvironment(true));

  const first = await emfOf(() => handler(finalReport(taskId, sessionId), context));
  expect(first.response).toEqual({ batchItemFailures: [] });
  expect((await store.readStream({ type: 'Task', id: taskId })).map((e) => e.type)).toContain('SessionEnded');
  expect(first.blobs).toHaveLength(1);
  const blob = first.blobs[0]!;
  expect(blob).toEqual({
    _aws: {
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [
        {
          Namespace: 'ABCA/test',
          Dimensions: [['service']],
          Metrics: [
            { Name: PLATFORM_METRICS.agentCostUsd.name, Unit: PLATFORM_METRICS.agentCostUsd.unit },
            { Name: PLATFORM_METRICS.agentTurns.name, Unit: PLATFORM_METRICS.agentTurns.unit },
          ],
        },
      ],
    },
    service: PLATFORM_METRICS.agentCostUsd.source,
    [PLATFORM_METRICS.agentCostUsd.name]: 0.37,
    [PLATFORM_METRICS.agentTurns.name]: 11,
  });

  // The same report again (Kinesis redelivers): SessionEnded is not recorded twice, nor counted twice.
  const again = await emfOf(() => handler(finalReport(taskId, sessionId), context));
  expect(again.response).toEqual({ batchItemFailures: [] });
  expect(again.blobs).toEqual([]);
});

test('outside Lambda (the embedded platform, tests) the same handler records the session and emits no metrics', async () => {
  const { taskId, sessionId } = await runningTask();
  const handler = coldStart(lambdaEnvironment(false));
  const out = await emfOf(() => handler(finalReport(taskId, sessionId), context));
  expect(out.response).toEqual({ batchItemFailures: [] });
  expect((await store.readStream({ type: 'Task', id: taskId })).map((e) => e.type)).toContain('SessionEnded');
  expect(out.blobs).toEqual([]);
});
