/**
 * bgagent repo onboard | list: POST /v1/repos `{repo, config}` and GET /v1/repos. The config's fields
 * are those of schemas/common/RepoConfig.schema.json (camelCase, any of them may be left out: the
 * platform fills in its defaults). In the cloud a repository is onboarded by the Blueprint construct;
 * on one machine this endpoint is the admin's way.
 */
import { readFileSync } from 'node:fs';
import { intOpt, listOpt, numberOpt, stringOpt, UsageError, type ParsedArgs } from '../args';
import type { CommandSpec } from '../command';
import { field, table } from '../render';
import { REPO_PATTERN, type Row } from '../types';

const COMPUTE_TYPES = ['local', 'agentcore', 'ecs'];
const GATINGS = ['strict', 'regression_only', 'informational'];

type Json = Record<string, unknown>;

function oneOf(name: string, value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value !== undefined && !allowed.includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${value}')`);
  return value;
}

function readConfigFile(file: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${file}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--config ${file} must hold a JSON object (a RepoConfig)`);
  return parsed as Json;
}

/** The RepoConfig (partial) given by --config and the flags; the flags win. */
function repoConfigFromArgs(args: ParsedArgs): Json {
  const file = stringOpt(args, 'config');
  const config: Json = file ? readConfigFile(file) : {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) config[key] = value;
  };
  const nested = (key: string, inner: string, value: unknown): void => {
    if (value === undefined) return;
    const current = config[key];
    config[key] = { ...(current && typeof current === 'object' ? (current as Json) : {}), [inner]: value };
  };
  set('computeType', oneOf('compute-type', stringOpt(args, 'compute-type'), COMPUTE_TYPES));
  set('modelId', stringOpt(args, 'model'));
  set('maxTurns', intOpt(args, 'max-turns'));
  set('maxBudgetUsd', numberOpt(args, 'max-budget'));
  set('memoryTokenBudget', intOpt(args, 'memory-token-budget'));
  set('triggerLabel', stringOpt(args, 'trigger-label'));
  nested('systemPromptOverrides', 'prepend', stringOpt(args, 'prompt-prepend'));
  nested('systemPromptOverrides', 'append', stringOpt(args, 'prompt-append'));
  nested('verify', 'build', listOpt(args, 'build'));
  nested('verify', 'test', listOpt(args, 'test'));
  nested('verify', 'lint', listOpt(args, 'lint'));
  nested('verify', 'gating', oneOf('gating', stringOpt(args, 'gating'), GATINGS));
  nested('session', 'maxDurationMinutes', intOpt(args, 'max-duration-minutes'));
  nested('session', 'heartbeatTimeoutSeconds', intOpt(args, 'heartbeat-timeout-seconds'));
  return config;
}

/** A config value whether the server writes it camelCase (RepoConfig) or snake_case. */
function configValue(config: Json, camel: string): string {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return field(config, camel, snake);
}

function configOf(row: Row): Json {
  return row.config && typeof row.config === 'object' ? (row.config as Json) : row;
}

export const repoOnboard: CommandSpec = {
  name: 'repo onboard',
  summary: 'Onboard a repository (or change its config): tasks may then target it.',
  notes: [
    'Fields left out take the platform\'s defaults (schemas/common/RepoConfig.schema.json).',
    'In the cloud, repositories are onboarded by the Blueprint construct; on one machine, by this command.',
  ],
  args: [{ name: 'owner/name', required: true, description: 'The GitHub repository' }],
  options: {
    'trigger-label': { type: 'string', value: '<label>', description: 'Issue label that creates a task (default bgagent)' },
    'max-turns': { type: 'string', value: '<n>', description: 'Default turn limit of its tasks (1-500)' },
    'max-budget': { type: 'string', value: '<usd>', description: 'Default cost limit of its tasks (0.01-100)' },
    model: { type: 'string', value: '<model_id>', description: 'Model of the agent' },
    'compute-type': { type: 'string', value: '<local|agentcore|ecs>', description: 'Where its agents run' },
    'memory-token-budget': { type: 'string', value: '<n>', description: 'Tokens of repository memory put in the prompt (0-100000)' },
    'prompt-prepend': { type: 'string', value: '<text>', description: 'Text put before the system prompt' },
    'prompt-append': { type: 'string', value: '<text>', description: 'Text put after the system prompt' },
    build: { type: 'string', multiple: true, value: '<cmd>', description: 'Build command run to verify the work' },
    test: { type: 'string', multiple: true, value: '<cmd>', description: 'Test command run to verify the work' },
    lint: { type: 'string', multiple: true, value: '<cmd>', description: 'Lint command run to verify the work' },
    gating: { type: 'string', value: '<strict|regression_only|informational>', description: 'What failing checks do to a task' },
    'max-duration-minutes': { type: 'string', value: '<n>', description: 'Longest session (1-1440)' },
    'heartbeat-timeout-seconds': { type: 'string', value: '<n>', description: 'Agent silence before it is failed (60-3600)' },
    config: { type: 'string', value: '<file.json>', description: 'A RepoConfig JSON file (camelCase fields); the flags override it' },
  },
  examples: [
    'bgagent repo onboard acme/api',
    'bgagent repo onboard acme/api --trigger-label agent --max-turns 60 --model anthropic.claude-sonnet-4-5',
    'bgagent repo onboard acme/api --build "npm ci" --test "npm test" --gating strict',
  ],
  async run(ctx, args) {
    const repo = args.positionals[0]!;
    if (!REPO_PATTERN.test(repo)) throw new UsageError(`repository must be owner/name (got '${repo}')`);
    const config = repoConfigFromArgs(args);
    const result = await ctx.client().create('repos', { repo, config });
    if (ctx.json) {
      ctx.printJson(result);
      return 0;
    }
    ctx.out(`Repository ${ctx.style.bold(field(result ?? {}, 'repo') || repo)} onboarded.`);
    const shown = result && typeof result.config === 'object' && result.config ? (result.config as Json) : config;
    const facts = [
      ['trigger label', configValue(shown, 'triggerLabel')],
      ['model', configValue(shown, 'modelId')],
      ['max turns', configValue(shown, 'maxTurns')],
      ['compute', configValue(shown, 'computeType')],
    ].filter(([, v]) => v !== '');
    if (facts.length) ctx.out(ctx.style.dim(facts.map(([k, v]) => `${k}: ${v}`).join('  ·  ')));
    return 0;
  },
};

export const repoList: CommandSpec = {
  name: 'repo list',
  summary: 'List the onboarded repositories and their config.',
  examples: ['bgagent repo list', 'bgagent repo list --json | jq ".data[].repo"'],
  async run(ctx) {
    const page = await ctx.client().list('repos');
    if (ctx.json) {
      ctx.printJson(page);
      return 0;
    }
    if (page.data.length === 0) ctx.out('No repositories onboarded. Onboard one with: bgagent repo onboard <owner/name>');
    else {
      const rows = page.data.map((r) => {
        const c = configOf(r);
        return [
          field(r, 'repo'),
          field(r, 'status') || 'active',
          configValue(c, 'triggerLabel'),
          configValue(c, 'maxTurns'),
          configValue(c, 'computeType'),
          configValue(c, 'modelId'),
        ];
      });
      for (const line of table(['REPO', 'STATUS', 'LABEL', 'MAX TURNS', 'COMPUTE', 'MODEL'], rows, ctx.style)) ctx.out(line);
    }
    return 0;
  },
};
