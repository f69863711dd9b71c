/** StartReplay, DescribeReplay, ListReplays, CancelReplay. */
import { replayArn, ruleArn } from '../arns';
import { alreadyExists, illegalStatus, notFound, validation } from '../errors';
import type { ReplayRecord } from '../model';
import { nowSeconds } from '../store';
import { compact, type ApiContext, type Handler } from './context';
import { NAME, optEnum, optObject, optString, optStringList, paginate, reqString, reqTimestamp, type Req } from './validate';

const replayName = (req: Req) => reqString(req, 'ReplayName', { max: 64, pattern: NAME });

function requireReplay(ctx: ApiContext, name: string): ReplayRecord {
  const r = ctx.store.replays.get(name);
  if (!r) throw notFound(`Replay ${name} does not exist.`);
  return r;
}

export const startReplay: Handler = async (req, ctx) => {
  const name = replayName(req);
  const description = optString(req, 'Description', { max: 512 });
  const source = reqString(req, 'EventSourceArn', { max: 1600 });
  const start = reqTimestamp(req, 'EventStartTime');
  const end = reqTimestamp(req, 'EventEndTime');
  const destination = optObject(req, 'Destination');
  if (!destination) throw validation("1 validation error detected: Value null at 'destination' failed to satisfy constraint: Member must not be null");
  const destArn = reqString(destination, 'Arn', { max: 1600 });
  const filterArns = optStringList(destination, 'FilterArns');
  if (ctx.store.replays.has(name)) throw alreadyExists(`Replay ${name} already exists.`);
  const archive = [...ctx.store.archives.values()].find((a) => a.ArchiveArn === source);
  if (!archive) throw notFound(`Archive ${source.split('/').pop()} does not exist.`);
  if (!(start < end)) throw validation('Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.');
  if (destArn !== archive.EventSourceArn) throw validation('Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.');
  const bus = [...ctx.store.buses.values()].find((b) => b.Arn === destArn)!;
  for (const arn of filterArns ?? []) {
    if (!ctx.store.rulesOf(bus.Name).some((r) => r.Arn === arn || ruleArn(ctx.scope, bus.Name, r.Name) === arn)) {
      throw validation(`Parameter Destination.FilterArns is not valid. Reason: ${arn} is not a rule on event bus ${bus.Name}.`);
    }
  }
  const replay: ReplayRecord = compact({
    ReplayName: name,
    ReplayArn: replayArn(ctx.scope, name),
    Description: description,
    EventSourceArn: source,
    Destination: compact({ Arn: destArn, FilterArns: filterArns }),
    EventStartTime: start,
    EventEndTime: end,
    State: 'STARTING' as const,
    ReplayStartTime: nowSeconds(),
  });
  ctx.store.replays.set(name, replay);
  await ctx.store.persist();
  ctx.replays.start(replay);
  return { ReplayArn: replay.ReplayArn, State: replay.State, ReplayStartTime: replay.ReplayStartTime };
};

export const describeReplay: Handler = (req, ctx) => ({ ...requireReplay(ctx, replayName(req)) });

export const listReplays: Handler = (req, ctx) => {
  const prefix = optString(req, 'NamePrefix', { max: 64 }) ?? '';
  const state = optEnum(req, 'State', ['STARTING', 'RUNNING', 'CANCELLING', 'COMPLETED', 'CANCELLED', 'FAILED']);
  const source = optString(req, 'EventSourceArn');
  const list = [...ctx.store.replays.values()]
    .filter((r) => r.ReplayName.startsWith(prefix) && (!state || r.State === state) && (!source || r.EventSourceArn === source))
    .sort((a, b) => (a.ReplayName < b.ReplayName ? -1 : 1));
  const { page, NextToken } = paginate(req, list);
  return compact({
    Replays: page.map((r) =>
      compact({
        ReplayName: r.ReplayName,
        EventSourceArn: r.EventSourceArn,
        State: r.State,
        StateReason: r.StateReason,
        EventStartTime: r.EventStartTime,
        EventEndTime: r.EventEndTime,
        EventLastReplayedTime: r.EventLastReplayedTime,
        ReplayStartTime: r.ReplayStartTime,
        ReplayEndTime: r.ReplayEndTime,
      }),
    ),
    NextToken,
  });
};

export const cancelReplay: Handler = async (req, ctx) => {
  const r = requireReplay(ctx, replayName(req));
  if (r.State !== 'STARTING' && r.State !== 'RUNNING') throw illegalStatus(`Replay ${r.ReplayName} is not in a valid state for this operation.`);
  r.State = 'CANCELLING';
  await ctx.store.persist();
  return { ReplayArn: r.ReplayArn, State: r.State };
};
