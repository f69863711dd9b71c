/**
 * The local EventBridge: an HTTP server speaking the EventBridge JSON 1.1 API, so
 * `@aws-sdk/client-eventbridge` (endpoint override) and `aws events --endpoint-url` work against
 * it, plus in-process targets: local functions and local queues with Lambda-shaped consumers.
 *
 *   const bus = await startLocalEventBridge({ port: 0, dataDir: '.abca/eventbridge' });
 *   bus.registerFunction('notifier', async (event) => { … });
 *   await bus.registerQueueConsumer('admission', sqsHandler, { batchSize: 10, maxReceiveCount: 3, deadLetterQueue: 'admission-dlq' });
 *   new EventBridgeClient({ endpoint: bus.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 *
 * With a dataDir, definitions (state.json), queue messages and archives survive a restart; without
 * one everything is in memory.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Activity, sleep } from './activity';
import type { ApiContext } from './api';
import { functionArn, queueArn, type Scope } from './arns';
import { ArchiveStore } from './archive';
import { Dispatcher } from './delivery';
import { createHttpServer } from './http';
import { jsonStderrLog, type Log } from './log';
import { QueueRegistry, type QueueConsumerOptions, type QueueHandler, type QueueMessageView } from './queue';
import { ReplayRunner } from './replay';
import { scheduledEvent, Scheduler } from './schedule';
import { ResourceStore } from './store';
import { TargetInvoker, type LocalFunction } from './targets';
import { notFound } from './errors';


export interface LocalEventBridgeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Where definitions, queues and archives live; in memory when absent. */
  readonly dataDir?: string;
  /** Default us-east-1. */
  readonly region?: string;
  /** Default 000000000000. */
  readonly accountId?: string;
  /** Base of the exponential backoff between delivery retries (default 1000 ms). */
  readonly retryBaseDelayMs?: number;
  /** Timeout of API destination calls (default 5000 ms, as AWS). */
  readonly httpTimeoutMs?: number;
  /** Structured log (default: JSON lines on stderr). */
  readonly log?: Log;
}

export interface LocalEventBridge {
  /** `http://host:port`, the endpoint for the SDK and the CLI. */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  readonly dataDir: string | undefined;
  /** Makes `arn:aws:lambda:<region>:<account>:function:<name>` targets call `handler` (asynchronously; a throw is a failed delivery). */
  registerFunction(name: string, handler: LocalFunction): void;
  unregisterFunction(name: string): void;
  /** Attaches a Lambda-style SQS batch consumer to the local queue `queueName` (name or ARN). */
  registerQueueConsumer(queueName: string, handler: QueueHandler, options?: QueueConsumerOptions): Promise<void>;
  /** The messages of a local queue not yet deleted (dead-letter queues included). */
  peekQueue(queueName: string): Promise<QueueMessageView[]>;
  /** Fires a scheduled rule now (rate() rules also fire on their own timer; cron() rules only this way). */
  triggerScheduledRule(ruleName: string): Promise<void>;
  /** ARNs for wiring targets. */
  functionArn(name: string): string;
  queueArn(name: string): string;
  /**
   * Resolves when no delivery, retry, replay or queue consumer work is pending (for tests): queues
   * with a consumer must be empty, so it waits out visibility timeouts, and never resolves while a
   * consumer keeps failing a message that has no dead-letter queue to go to.
   */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalEventBridge(options: LocalEventBridgeOptions = {}): Promise<LocalEventBridge> {
  const scope: Scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
  const log = options.log ?? jsonStderrLog;
  const dataDir = options.dataDir === undefined ? undefined : path.resolve(options.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  const store = new ResourceStore(scope, dataDir);
  const archives = new ArchiveStore(dataDir);
  const queues = new QueueRegistry(dataDir, scope, log);
  const activity = new Activity();
  // The invoker forwards to other buses through the dispatcher, created just below.
  let dispatcher: Dispatcher | undefined;
  const invoker = new TargetInvoker({
    scope,
    store,
    queues,
    httpTimeoutMs: options.httpTimeoutMs ?? 5000,
    forwardToBus: (bus, event) => dispatcher!.dispatch(bus, [{ event, ingestionTime: Date.now() }]),
  });
  dispatcher = new Dispatcher({ scope, store, archives, queues, invoker, activity, log, retryBaseDelayMs: options.retryBaseDelayMs ?? 1000 });
  const d = dispatcher;
  const replays = new ReplayRunner({ store, archives, dispatcher: d, activity, log, busOfArn: (arn) => [...store.buses.values()].find((b) => b.Arn === arn)?.Name });
  const fire = (rule: Parameters<Dispatcher['deliverToRule']>[0]) =>
    activity.track(Promise.all(d.deliverToRule(rule, scheduledEvent(scope, rule))).then(() => undefined));
  const scheduler = new Scheduler((rule) => void fire(rule));

  await replays.recover();
  scheduler.sync(store.allRules());

  const ctx: ApiContext = { scope, store, dispatcher: d, archives, replays, scheduler };
  const server = createHttpServer(ctx, log);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log('info', 'local EventBridge listening', { url, dataDir: dataDir ?? '(in memory)', region: scope.region, accountId: scope.accountId });

  const isIdle = async () => !activity.busy && (await queues.idle());
  let stopped: Promise<void> | undefined;

  return {
    url,
    port,
    region: scope.region,
    accountId: scope.accountId,
    dataDir,
    registerFunction: (name, handler) => invoker.registerFunction(name, handler),
    unregisterFunction: (name) => invoker.unregisterFunction(name),
    async registerQueueConsumer(queueName, handler, consumerOptions) {
      const queue = await queues.get(queueName);
      if (consumerOptions?.deadLetterQueue) await queues.get(consumerOptions.deadLetterQueue);
      queue.setConsumer(handler, consumerOptions);
    },
    async peekQueue(queueName) {
      return (await queues.get(queueName)).peek();
    },
    async triggerScheduledRule(ruleName) {
      const rule = store.getRule('default', ruleName);
      if (!rule?.ScheduleExpression) throw notFound(`Scheduled rule ${ruleName} does not exist on EventBus default.`);
      await fire(rule);
    },
    functionArn: (name) => functionArn(scope, name),
    queueArn: (name) => queueArn(scope, name),
    async idle() {
      // Two idle observations in a row, a few ms apart: work hands over between components.
      for (let quiet = 0; quiet < 2; ) {
        await sleep(quiet ? 2 : 5);
        quiet = (await isIdle()) ? quiet + 1 : 0;
      }
    },
    stop() {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        scheduler.stop();
        replays.stop();
        d.stop();
        while (activity.busy) await sleep(5);
        await queues.stop();
        await archives.close();
        await store.flush();
        log('info', 'local EventBridge stopped', { url });
      })();
      return stopped;
    },
  };
}
