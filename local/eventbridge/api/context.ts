/** What the API handlers work with. */
import type { Scope } from '../arns';
import type { ArchiveStore } from '../archive';
import type { Dispatcher } from '../delivery';
import type { ReplayRunner } from '../replay';
import type { Scheduler } from '../schedule';
import type { ResourceStore } from '../store';
import { notFound } from '../errors';
import { busNameOf } from '../arns';
import type { BusRecord, RuleRecord } from '../model';
import type { Req } from './validate';

export interface ApiContext {
  readonly scope: Scope;
  readonly store: ResourceStore;
  readonly dispatcher: Dispatcher;
  readonly archives: ArchiveStore;
  readonly replays: ReplayRunner;
  readonly scheduler: Scheduler;
}

export type Handler = (req: Req, ctx: ApiContext) => Promise<unknown> | unknown;

/** The bus a request names (EventBusName, by name or ARN; default when absent); it must exist. */
export function requireBus(ctx: ApiContext, nameOrArn: unknown): BusRecord {
  const name = busNameOf(typeof nameOrArn === 'string' ? nameOrArn : undefined);
  const bus = ctx.store.buses.get(name);
  if (!bus) throw notFound(`Event bus ${name} does not exist.`);
  return bus;
}

export function requireRule(ctx: ApiContext, bus: string, name: string): RuleRecord {
  const rule = ctx.store.getRule(bus, name);
  if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${bus}.`);
  return rule;
}

/** Drops undefined members, so responses carry only what is set. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
