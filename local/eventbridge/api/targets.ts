/** PutTargets, ListTargetsByRule, RemoveTargets. */
import { parseTargetArn } from '../arns';
import { limitExceeded, validation } from '../errors';
import { checkInputTransformer, InputPathError, parsePath } from '../input-transformer';
import type { InputTransformer, TargetRecord } from '../model';
import { requireBus, requireRule, type Handler } from './context';
import { optInt, optObject, optString, paginate, reqList, reqString, type Req } from './validate';

const MAX_TARGETS_PER_RULE = 5;
const TARGET_ID = /^[.\-_A-Za-z0-9]+$/;

/** Checks one target of PutTargets; a problem fails the whole request (ValidationException). */
function readTarget(raw: unknown): TargetRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw validation('Parameter Targets must be a list of structures.');
  const t = raw as Req;
  const id = reqString(t, 'Id', { max: 64, pattern: TARGET_ID });
  reqString(t, 'Arn', { max: 1600 });
  const given = ['Input', 'InputPath', 'InputTransformer'].filter((k) => t[k] !== undefined && t[k] !== null);
  if (given.length > 1) throw validation(`Target ${id}: only one of Input, InputPath, or InputTransformer can be specified.`);
  const input = optString(t, 'Input', { max: 8192 });
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch {
      throw validation(`Parameter Input is not valid for target ${id}: it must be valid JSON text.`);
    }
  }
  const inputPath = optString(t, 'InputPath', { max: 256 });
  if (inputPath !== undefined) {
    try {
      parsePath(inputPath);
    } catch (err) {
      if (err instanceof InputPathError) throw validation(`Parameter InputPath is not valid for target ${id}: ${err.message}`);
      throw err;
    }
  }
  const transformer = optObject(t, 'InputTransformer');
  if (transformer) {
    const problem = checkInputTransformer(transformer as unknown as InputTransformer);
    if (problem) throw validation(`Parameter InputTransformer is not valid for target ${id}: ${problem}`);
  }
  const retry = optObject(t, 'RetryPolicy');
  if (retry) {
    optInt(retry, 'MaximumRetryAttempts', 0, 185);
    optInt(retry, 'MaximumEventAgeInSeconds', 60, 86400);
  }
  const dlq = optObject(t, 'DeadLetterConfig');
  if (dlq?.Arn !== undefined && (typeof dlq.Arn !== 'string' || parseTargetArn(dlq.Arn).kind !== 'queue')) {
    throw validation(`Parameter DeadLetterConfig.Arn is not valid for target ${id}: it must be the ARN of an SQS queue.`);
  }
  const http = optObject(t, 'HttpParameters');
  if (http) {
    if (http.PathParameterValues !== undefined && (!Array.isArray(http.PathParameterValues) || http.PathParameterValues.some((v) => typeof v !== 'string'))) {
      throw validation(`Parameter HttpParameters.PathParameterValues is not valid for target ${id}.`);
    }
  }
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined && v !== null)) as TargetRecord;
}

export const putTargets: Handler = async (req, ctx) => {
  const bus = requireBus(ctx, req.EventBusName).Name;
  const rule = requireRule(ctx, bus, reqString(req, 'Rule', { max: 64 }));
  const incoming = reqList(req, 'Targets', 1, 10).map(readTarget);
  const ids = new Set<string>();
  for (const t of incoming) {
    if (ids.has(t.Id)) throw validation(`Target id ${t.Id} appears more than once in the request.`);
    ids.add(t.Id);
  }
  const kept = ctx.store.targetsOf(bus, rule.Name).filter((t) => !ids.has(t.Id));
  const all = [...kept, ...incoming];
  if (all.length > MAX_TARGETS_PER_RULE) throw limitExceeded(`The requested resource exceeds the maximum number allowed (${MAX_TARGETS_PER_RULE} targets per rule).`);
  ctx.store.setTargets(bus, rule.Name, all);
  await ctx.store.persist();
  return { FailedEntryCount: 0, FailedEntries: [] };
};

export const listTargetsByRule: Handler = (req, ctx) => {
  const bus = requireBus(ctx, req.EventBusName).Name;
  const rule = requireRule(ctx, bus, reqString(req, 'Rule', { max: 64 }));
  const { page, NextToken } = paginate(req, ctx.store.targetsOf(bus, rule.Name));
  return NextToken ? { Targets: page, NextToken } : { Targets: page };
};

export const removeTargets: Handler = async (req, ctx) => {
  const bus = requireBus(ctx, req.EventBusName).Name;
  const rule = requireRule(ctx, bus, reqString(req, 'Rule', { max: 64 }));
  const ids = reqList(req, 'Ids', 1, 100);
  if (ids.some((id) => typeof id !== 'string')) throw validation('Parameter Ids must be a list of strings.');
  const remove = new Set(ids as string[]);
  const before = ctx.store.targetsOf(bus, rule.Name);
  const after = before.filter((t) => !remove.has(t.Id));
  if (after.length !== before.length) {
    ctx.store.setTargets(bus, rule.Name, after);
    await ctx.store.persist();
  }
  return { FailedEntryCount: 0, FailedEntries: [] };
};
