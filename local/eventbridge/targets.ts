/**
 * One delivery attempt to one target, by the kind its ARN names: a local function (registered
 * in-process, invoked with the input as its event), a local queue, an API destination (HTTP), or
 * another event bus. Failures are DeliveryErrors; delivery.ts decides about retries.
 */
import type { Context } from 'aws-lambda';
import { parseTargetArn, type Scope } from './arns';
import { DeliveryError } from './delivery-error';
import { invokeApiDestination } from './http-target';
import { lambdaContext } from './lambda-context';
import type { EventBridgeEvent, TargetRecord } from './model';
import type { QueueRegistry } from './queue';
import type { ResourceStore } from './store';

/** A local function: receives the target input (parsed when it is JSON), as a Lambda handler does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers declare their own event type
export type LocalFunction = (event: any, context: Context) => unknown;

export interface TargetInvokerDeps {
  readonly scope: Scope;
  readonly store: ResourceStore;
  readonly queues: QueueRegistry;
  /** Puts an event on another bus (event-bus targets). */
  readonly forwardToBus: (bus: string, event: EventBridgeEvent) => Promise<void>;
  readonly httpTimeoutMs: number;
}

const parseInput = (input: string): unknown => {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
};

export class TargetInvoker {
  private readonly functions = new Map<string, LocalFunction>();

  constructor(private readonly deps: TargetInvokerDeps) {}

  registerFunction(name: string, fn: LocalFunction): void {
    this.functions.set(name, fn);
  }

  unregisterFunction(name: string): void {
    this.functions.delete(name);
  }

  /** Queue targets are stored durably before PutEvents answers; the others are asynchronous. */
  static isQueue(target: Pick<TargetRecord, 'Arn'>): boolean {
    return parseTargetArn(target.Arn).kind === 'queue';
  }

  async invoke(target: TargetRecord, input: string, event: EventBridgeEvent): Promise<void> {
    const kind = parseTargetArn(target.Arn);
    switch (kind.kind) {
      case 'function': {
        const fn = this.functions.get(kind.name);
        // AWS would not retry a missing function; locally functions register at start-up, so a
        // missing one is retried (an early event must not be lost to start-up order).
        if (!fn) throw new DeliveryError('NO_RESOURCE', `Function not found: ${target.Arn} (no local function registered as ${kind.name})`);
        try {
          await fn(parseInput(input), lambdaContext(this.deps.scope, kind.name));
        } catch (err) {
          const e = err as Error;
          throw new DeliveryError('ERROR_FROM_TARGET', `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`);
        }
        return;
      }
      case 'queue': {
        let queue;
        try {
          queue = await this.deps.queues.get(kind.name);
        } catch (err) {
          throw new DeliveryError('NO_RESOURCE', (err as Error).message, false);
        }
        try {
          await queue.send([{ body: input }]);
        } catch (err) {
          throw new DeliveryError('INTERNAL_ERROR', `Could not store the message in queue ${kind.name}: ${(err as Error).message}`);
        }
        return;
      }
      case 'api-destination': {
        const dest = this.deps.store.apiDestinations.get(kind.name);
        if (!dest) throw new DeliveryError('NO_RESOURCE', `API destination ${kind.name} does not exist.`, false);
        const conn = [...this.deps.store.connections.values()].find((c) => c.ConnectionArn === dest.ConnectionArn);
        if (!conn) throw new DeliveryError('NO_RESOURCE', `Connection ${dest.ConnectionArn} does not exist.`, false);
        await invokeApiDestination(dest, conn, target.HttpParameters, input, this.deps.httpTimeoutMs);
        return;
      }
      case 'event-bus': {
        if (!this.deps.store.buses.has(kind.name)) throw new DeliveryError('NO_RESOURCE', `Event bus ${kind.name} does not exist.`, false);
        await this.deps.forwardToBus(kind.name, event);
        return;
      }
      default:
        throw new DeliveryError('INVALID_PARAMETER', `Targets of service ${kind.service} are not supported by the local EventBridge (${target.Arn}).`, false);
    }
  }
}
