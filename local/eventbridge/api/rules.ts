/** PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule, ListRuleNamesByTarget. */
import { DEFAULT_BUS, ruleArn } from '../arns';
import { validation } from '../errors';
import type { RuleRecord, RuleState } from '../model';
import { compileOrThrow } from '../patterns';
import { parseScheduleExpression } from '../schedule';
import { compact, requireBus, requireRule, type ApiContext, type Handler } from './context';
import { NAME, optEnum, optString, paginate, reqString, type Req } from './validate';

const STATES: RuleState[] = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

const ruleName = (req: Req) => reqString(req, 'Name', { max: 64, pattern: NAME });

const describeRuleShape = (r: RuleRecord) =>
  compact({
    Name: r.Name,
    Arn: r.Arn,
    EventPattern: r.EventPattern,
    ScheduleExpression: r.ScheduleExpression,
    State: r.State,
    Description: r.Description,
    RoleArn: r.RoleArn,
    EventBusName: r.EventBusName,
    CreatedBy: r.CreatedBy,
  });

const syncSchedules = (ctx: ApiContext) => ctx.scheduler.sync(ctx.store.allRules());

export const putRule: Handler = async (req, ctx) => {
  const name = ruleName(req);
  const bus = requireBus(ctx, req.EventBusName).Name;
  const pattern = optString(req, 'EventPattern', { max: 4096 });
  const schedule = optString(req, 'ScheduleExpression', { max: 256 });
  const state = optEnum(req, 'State', STATES) ?? 'ENABLED';
  const description = optString(req, 'Description', { max: 512 });
  const roleArn = optString(req, 'RoleArn', { max: 1600 });
  if (pattern === undefined && schedule === undefined) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  if (pattern !== undefined) compileOrThrow(pattern);
  if (schedule !== undefined) {
    if (bus !== DEFAULT_BUS) throw validation('ScheduleExpression is supported only on the default event bus.');
    try {
      parseScheduleExpression(schedule);
    } catch (err) {
      throw validation((err as Error).message);
    }
  }
  const rule: RuleRecord = compact({
    Name: name,
    Arn: ruleArn(ctx.scope, bus, name),
    EventBusName: bus,
    EventPattern: pattern,
    ScheduleExpression: schedule,
    State: state,
    Description: description,
    RoleArn: roleArn,
    CreatedBy: ctx.scope.accountId,
  });
  ctx.store.putRule(rule);
  await ctx.store.persist();
  syncSchedules(ctx);
  return { RuleArn: rule.Arn };
};

export const describeRule: Handler = (req, ctx) => {
  const bus = requireBus(ctx, req.EventBusName).Name;
  return describeRuleShape(requireRule(ctx, bus, ruleName(req)));
};

export const listRules: Handler = (req, ctx) => {
  const bus = requireBus(ctx, req.EventBusName).Name;
  const prefix = optString(req, 'NamePrefix', { max: 64 }) ?? '';
  const { page, NextToken } = paginate(
    req,
    ctx.store.rulesOf(bus).filter((r) => r.Name.startsWith(prefix)),
  );
  return compact({ Rules: page.map(describeRuleShape), NextToken });
};

export const deleteRule: Handler = async (req, ctx) => {
  const name = ruleName(req);
  const bus = requireBus(ctx, req.EventBusName).Name;
  // Deleting a rule that does not exist succeeds, as in AWS.
  if (!ctx.store.getRule(bus, name)) return {};
  if (ctx.store.targetsOf(bus, name).length) throw validation("Rule can't be deleted since it has targets.");
  ctx.store.deleteRule(bus, name);
  await ctx.store.persist();
  syncSchedules(ctx);
  return {};
};

const setState = (state: RuleState): Handler =>
  async (req, ctx) => {
    const bus = requireBus(ctx, req.EventBusName).Name;
    const rule = requireRule(ctx, bus, ruleName(req));
    if (rule.State !== state) {
      ctx.store.putRule({ ...rule, State: state });
      await ctx.store.persist();
      syncSchedules(ctx);
    }
    return {};
  };

export const enableRule = setState('ENABLED');
export const disableRule = setState('DISABLED');

export const listRuleNamesByTarget: Handler = (req, ctx) => {
  const targetArn = reqString(req, 'TargetArn', { max: 1600 });
  const bus = requireBus(ctx, req.EventBusName).Name;
  const names = ctx.store
    .rulesOf(bus)
    .filter((r) => ctx.store.targetsOf(bus, r.Name).some((t) => t.Arn === targetArn))
    .map((r) => r.Name);
  const { page, NextToken } = paginate(req, names);
  return compact({ RuleNames: page, NextToken });
};
