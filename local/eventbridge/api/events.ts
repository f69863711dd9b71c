/** PutEvents and TestEventPattern. */
import { randomUUID } from 'node:crypto';
import { busNameOf } from '../arns';
import { validation } from '../errors';
import type { EventBridgeEvent, IngestedEvent } from '../model';
import { compileOrThrow } from '../patterns';
import { matches } from '../pattern';
import type { ApiContext, Handler } from './context';
import { reqList, reqString, type Req } from './validate';

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** AWS's entry size: 14 bytes for Time, plus Source, DetailType, Detail and Resources in UTF-8. */
function entrySize(e: Req): number {
  const s = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  const resources = Array.isArray(e.Resources) ? e.Resources.reduce((n: number, r) => n + s(r), 0) : 0;
  return 14 + s(e.Source) + s(e.DetailType) + s(e.Detail) + resources;
}

/** Event times are second-precision ISO 8601, as EventBridge writes them. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const fail = (code: string, message: string): EntryResult => ({ ErrorCode: code, ErrorMessage: message });
const required = (field: string) => fail('InvalidArgument', `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);

/** Checks one entry; returns the event it becomes, or the entry's error. */
function readEntry(ctx: ApiContext, e: Req, now: number): { bus: string; ingested: IngestedEvent } | EntryResult {
  if (typeof e.Source !== 'string' || e.Source.length === 0) return required('Source');
  if (typeof e.DetailType !== 'string' || e.DetailType.length === 0) return required('DetailType');
  if (typeof e.Detail !== 'string' || e.Detail.length === 0) return required('Detail');
  if (e.Source.length > 256) return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is longer than 256 characters.');
  if (e.DetailType.length > 128) return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters.');
  if (/^aws\./.test(e.Source)) return fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    return fail('MalformedDetail', 'Detail is malformed.');
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed.');
  const resources = e.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) return fail('InvalidArgument', 'Parameter Resources is not valid. Reason: Resources must be a list of strings.');
  const bus = busNameOf(typeof e.EventBusName === 'string' ? e.EventBusName : undefined);
  // AWS accepts events for a bus that does not exist and drops them silently; locally that is
  // reported on the entry, so a misnamed bus shows up in tests instead of losing events.
  if (!ctx.store.buses.has(bus)) return fail('InvalidArgument', `Parameter EventBusName is not valid. Reason: Event bus ${bus} does not exist.`);
  let time = now;
  if (e.Time !== undefined && e.Time !== null) {
    const t = typeof e.Time === 'number' ? e.Time * 1000 : typeof e.Time === 'string' ? (/^\d+(\.\d+)?$/.test(e.Time) ? Number(e.Time) * 1000 : Date.parse(e.Time)) : NaN;
    if (!Number.isFinite(t)) return fail('InvalidArgument', 'Parameter Time is not valid.');
    time = t;
  }
  const event: EventBridgeEvent = {
    version: '0',
    id: randomUUID(),
    'detail-type': e.DetailType,
    source: e.Source,
    account: ctx.scope.accountId,
    time: isoSeconds(time),
    region: ctx.scope.region,
    resources: resources as string[],
    detail,
  };
  return { bus, ingested: { event, ingestionTime: now } };
}

export const putEvents: Handler = async (req, ctx) => {
  const entries = reqList(req, 'Entries', 1, MAX_ENTRIES);
  if (entries.some((e) => e === null || typeof e !== 'object' || Array.isArray(e))) throw validation('Parameter Entries must be a list of structures.');
  const size = (entries as Req[]).reduce((n, e) => n + entrySize(e), 0);
  if (size > MAX_REQUEST_BYTES) throw validation(`Total size of the entries in the request is over the limit (${size} > ${MAX_REQUEST_BYTES} bytes).`);
  const now = Date.now();
  const results: EntryResult[] = [];
  const perBus = new Map<string, IngestedEvent[]>();
  for (const e of entries as Req[]) {
    const r = readEntry(ctx, e, now);
    if ('ingested' in r) {
      results.push({ EventId: r.ingested.event.id });
      perBus.set(r.bus, [...(perBus.get(r.bus) ?? []), r.ingested]);
    } else {
      results.push(r);
    }
  }
  await Promise.all([...perBus].map(([bus, events]) => ctx.dispatcher.dispatch(bus, events)));
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
};

const MANDATORY_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];

export const testEventPattern: Handler = (req) => {
  const pattern = reqString(req, 'EventPattern', { max: 4096 });
  const eventText = reqString(req, 'Event');
  const compiled = compileOrThrow(pattern);
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    throw validation('Parameter Event is not valid. Reason: Event is not valid JSON.');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw validation('Parameter Event is not valid. Reason: Event must be a JSON object.');
  const missing = MANDATORY_EVENT_FIELDS.filter((f) => !(f in (event as object)));
  if (missing.length) throw validation(`Parameter Event is not valid. Reason: missing mandatory field(s) ${missing.join(', ')}.`);
  return { Result: matches(compiled, event) };
};
