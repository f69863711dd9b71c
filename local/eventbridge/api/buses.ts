/** CreateEventBus, DescribeEventBus, ListEventBuses, DeleteEventBus. */
import { busArn, busNameOf, DEFAULT_BUS } from '../arns';
import { alreadyExists, validation } from '../errors';
import type { BusRecord } from '../model';
import { nowSeconds } from '../store';
import { compact, requireBus, type Handler } from './context';
import { BUS_NAME, optString, paginate, reqString } from './validate';

const shape = (b: BusRecord) => compact({ Name: b.Name, Arn: b.Arn, Description: b.Description, CreationTime: b.CreationTime, LastModifiedTime: b.LastModifiedTime });

export const createEventBus: Handler = async (req, ctx) => {
  const name = reqString(req, 'Name', { max: 256, pattern: BUS_NAME });
  const description = optString(req, 'Description', { max: 512 });
  if (name === DEFAULT_BUS || ctx.store.buses.has(name)) throw alreadyExists(`Event bus ${name} already exists.`);
  if (name.includes('/') && !optString(req, 'EventSourceName')) throw validation('Event bus name must not contain "/" (only partner event buses do).');
  const t = nowSeconds();
  const bus: BusRecord = compact({ Name: name, Arn: busArn(ctx.scope, name), Description: description, CreationTime: t, LastModifiedTime: t });
  ctx.store.buses.set(name, bus);
  await ctx.store.persist();
  return compact({ EventBusArn: bus.Arn, Description: description });
};

export const describeEventBus: Handler = (req, ctx) => shape(requireBus(ctx, req.Name));

export const listEventBuses: Handler = (req, ctx) => {
  const prefix = optString(req, 'NamePrefix', { max: 256 }) ?? '';
  const buses = [...ctx.store.buses.values()].filter((b) => b.Name.startsWith(prefix)).sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const { page, NextToken } = paginate(req, buses);
  return compact({ EventBuses: page.map(shape), NextToken });
};

export const deleteEventBus: Handler = async (req, ctx) => {
  const name = busNameOf(reqString(req, 'Name', { max: 256 }));
  if (name === DEFAULT_BUS) throw validation('Cannot delete event bus default.');
  if (!ctx.store.buses.has(name)) return {};
  for (const r of ctx.store.rulesOf(name)) ctx.store.deleteRule(name, r.Name);
  ctx.store.buses.delete(name);
  await ctx.store.persist();
  ctx.scheduler.sync(ctx.store.allRules());
  return {};
};
