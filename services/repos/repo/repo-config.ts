/**
 * RepoConfig defaults. A RepoConfig in an event is always complete (every field present), so two
 * configs compare field by field and a declarative re-apply converges. Onboarding input may be
 * partial: `withDefaults` fills in everything that is missing.
 */
import type { RepoConfig } from '../../../schemas/generated/common/RepoConfig';
import { EventValidationError, validateEventData } from '../../kernel/validation';

export type { RepoConfig } from '../../../schemas/generated/common/RepoConfig';

type CommandList = RepoConfig['verify']['build'];

/** What an operator writes: any RepoConfig field may be left out (null is kept where the schema allows it). */
export interface RepoConfigInput {
  readonly computeType?: RepoConfig['computeType'];
  readonly modelId?: string;
  readonly maxTurns?: number;
  readonly maxBudgetUsd?: number | null;
  readonly memoryTokenBudget?: number;
  readonly systemPromptOverrides?: { readonly prepend?: string | null; readonly append?: string | null };
  readonly verify?: {
    readonly build?: readonly string[];
    readonly test?: readonly string[];
    readonly lint?: readonly string[];
    readonly gating?: RepoConfig['verify']['gating'];
  };
  readonly triggerLabel?: string;
  readonly session?: { readonly maxDurationMinutes?: number; readonly heartbeatTimeoutSeconds?: number };
}

const DEFAULT_MODEL_ID = 'anthropic.claude-sonnet-4-5';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The configuration of a repository onboarded without any setting (deeply frozen). */
export const DEFAULT_REPO_CONFIG: Readonly<RepoConfig> = deepFreeze<RepoConfig>({
  computeType: 'local',
  modelId: DEFAULT_MODEL_ID,
  maxTurns: 100,
  maxBudgetUsd: null,
  memoryTokenBudget: 2000,
  systemPromptOverrides: { prepend: null, append: null },
  verify: { build: [], test: [], lint: [], gating: 'regression_only' },
  triggerLabel: 'bgagent',
  // 1800 s: the agent sends a heartbeat after 900 s of silence (services/tasks/session/heartbeat.ts).
  session: { maxDurationMinutes: 480, heartbeatTimeoutSeconds: 1800 },
});

const list = (given: readonly string[] | undefined, fallback: CommandList): CommandList =>
  [...(given ?? fallback)] as CommandList;

/** A complete RepoConfig: the given fields, the defaults for the rest. Unknown keys are dropped (see unknownConfigKeys). */
export function withDefaults(input: RepoConfigInput = {}): RepoConfig {
  const d = DEFAULT_REPO_CONFIG;
  const spo = input.systemPromptOverrides ?? {};
  const verify = input.verify ?? {};
  const session = input.session ?? {};
  return {
    computeType: input.computeType ?? d.computeType,
    modelId: input.modelId ?? d.modelId,
    maxTurns: input.maxTurns ?? d.maxTurns,
    maxBudgetUsd: input.maxBudgetUsd === undefined ? d.maxBudgetUsd : input.maxBudgetUsd,
    memoryTokenBudget: input.memoryTokenBudget ?? d.memoryTokenBudget,
    systemPromptOverrides: {
      prepend: spo.prepend === undefined ? d.systemPromptOverrides.prepend : spo.prepend,
      append: spo.append === undefined ? d.systemPromptOverrides.append : spo.append,
    },
    verify: {
      build: list(verify.build, d.verify.build),
      test: list(verify.test, d.verify.test),
      lint: list(verify.lint, d.verify.lint),
      gating: verify.gating ?? d.verify.gating,
    },
    triggerLabel: input.triggerLabel ?? d.triggerLabel,
    session: {
      maxDurationMinutes: session.maxDurationMinutes ?? d.session.maxDurationMinutes,
      heartbeatTimeoutSeconds: session.heartbeatTimeoutSeconds ?? d.session.heartbeatTimeoutSeconds,
    },
  };
}

const KNOWN_KEYS: Readonly<Record<string, readonly string[] | null>> = {
  computeType: null,
  modelId: null,
  maxTurns: null,
  maxBudgetUsd: null,
  memoryTokenBudget: null,
  systemPromptOverrides: ['prepend', 'append'],
  verify: ['build', 'test', 'lint', 'gating'],
  triggerLabel: null,
  session: ['maxDurationMinutes', 'heartbeatTimeoutSeconds'],
};

/** Keys of an input that RepoConfig does not have (`config.maxTurn`, `config.verify.tests`): usually typos. */
export function unknownConfigKeys(input: unknown): string[] {
  if (input === null || typeof input !== 'object') return [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (!Object.prototype.hasOwnProperty.call(KNOWN_KEYS, key)) {
      unknown.push(`config.${key}`);
      continue;
    }
    const nested = KNOWN_KEYS[key];
    if (nested && value !== null && typeof value === 'object') {
      for (const inner of Object.keys(value)) if (!nested.includes(inner)) unknown.push(`config.${key}.${inner}`);
    }
  }
  return unknown;
}

/** Problems of a repository name and a complete config, as `config.maxTurns must be <= 500` (empty when valid). */
export function repoConfigIssues(repo: string, config: RepoConfig): string[] {
  try {
    validateEventData('RepoOnboarded', { repo, config });
    return [];
  } catch (err) {
    if (err instanceof EventValidationError) return err.issues.map((issue) => issue.replace(/^data\./, ''));
    throw err;
  }
}

/** Deep equality of two JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function sameRepoConfig(a: RepoConfig, b: RepoConfig): boolean {
  return jsonEqual(a, b);
}
