/** CreateArchive, DescribeArchive, ListArchives, DeleteArchive. */
import { archiveArn, busNameOf } from '../arns';
import { alreadyExists, notFound, validation } from '../errors';
import type { ArchiveRecord } from '../model';
import { compileOrThrow } from '../patterns';
import { nowSeconds } from '../store';
import { compact, type ApiContext, type Handler } from './context';
import { NAME, optEnum, optInt, optString, paginate, reqString, type Req } from './validate';

const archiveName = (req: Req) => reqString(req, 'ArchiveName', { max: 48, pattern: NAME });

function requireArchive(ctx: ApiContext, name: string): ArchiveRecord {
  const a = ctx.store.archives.get(name);
  if (!a) throw notFound(`Archive ${name} does not exist.`);
  return a;
}

export const createArchive: Handler = async (req, ctx) => {
  const name = archiveName(req);
  const source = reqString(req, 'EventSourceArn', { max: 1600 });
  const description = optString(req, 'Description', { max: 512 });
  const pattern = optString(req, 'EventPattern', { max: 4096 });
  const retention = optInt(req, 'RetentionDays', 0, 2147483647) ?? 0;
  if (!/^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/.+$/.test(source)) throw validation('Parameter EventSourceArn is not valid. Reason: it must be the ARN of an event bus.');
  const bus = ctx.store.buses.get(busNameOf(source));
  if (!bus || bus.Arn !== source) throw notFound(`Event bus ${busNameOf(source)} does not exist.`);
  if (pattern !== undefined) compileOrThrow(pattern);
  if (ctx.store.archives.has(name)) throw alreadyExists(`Archive ${name} already exists.`);
  const archive: ArchiveRecord = compact({
    ArchiveName: name,
    ArchiveArn: archiveArn(ctx.scope, name),
    EventSourceArn: source,
    Description: description,
    EventPattern: pattern,
    RetentionDays: retention,
    State: 'ENABLED' as const,
    CreationTime: nowSeconds(),
  });
  ctx.store.archives.set(name, archive);
  await ctx.store.persist();
  return { ArchiveArn: archive.ArchiveArn, State: archive.State, CreationTime: archive.CreationTime };
};

export const describeArchive: Handler = (req, ctx) => {
  const a = requireArchive(ctx, archiveName(req));
  return compact({ ...a, ...ctx.archives.stats(a) });
};

export const listArchives: Handler = (req, ctx) => {
  const prefix = optString(req, 'NamePrefix', { max: 48 }) ?? '';
  const source = optString(req, 'EventSourceArn');
  const state = optEnum(req, 'State', ['ENABLED', 'DISABLED', 'CREATING', 'UPDATING', 'CREATE_FAILED', 'UPDATE_FAILED']);
  const list = [...ctx.store.archives.values()]
    .filter((a) => a.ArchiveName.startsWith(prefix) && (!source || a.EventSourceArn === source) && (!state || a.State === state))
    .sort((a, b) => (a.ArchiveName < b.ArchiveName ? -1 : 1));
  const { page, NextToken } = paginate(req, list);
  return compact({
    Archives: page.map((a) =>
      compact({ ArchiveName: a.ArchiveName, EventSourceArn: a.EventSourceArn, State: a.State, RetentionDays: a.RetentionDays, ...ctx.archives.stats(a), CreationTime: a.CreationTime }),
    ),
    NextToken,
  });
};

export const deleteArchive: Handler = async (req, ctx) => {
  const a = requireArchive(ctx, archiveName(req));
  ctx.store.archives.delete(a.ArchiveName);
  await ctx.store.persist();
  await ctx.archives.delete(a.ArchiveName);
  return {};
};
