/**
 * Which harness the agents of `npm start` run, from the environment:
 *
 *   CLAUDE_CODE_USE_BEDROCK=1 + a region + AWS credentials  → claude on Amazon Bedrock
 *   ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)              → claude on the Anthropic API
 *   nothing                                                  → no model, with a message saying what to set
 *
 * Bedrock wins when both are set (CLAUDE_CODE_USE_BEDROCK is an explicit switch, as in Claude Code).
 * Only the provider's own variables go to the agents (`env`); nothing else of the platform's
 * environment does.
 *
 * Without a model there is nothing that could work on an arbitrary repository: the demo repository
 * replays its trajectory (demo-repo.ts, per-repository override), and every other repository gets
 * NO_MODEL_HARNESS, which fails the task at once with NO_MODEL_MESSAGE as its error — the user
 * learns what to configure instead of getting a pull request made up by a recording.
 */
import type { HarnessSpec } from '../../schemas/agent/contracts';
import { ANTHROPIC_ENV_KEYS, BEDROCK_ENV_KEYS } from '../../agent/harness/claude';

export interface HarnessChoice {
  readonly harness: HarnessSpec;
  /** Variables given to the agents (the provider's credentials and settings). */
  readonly env: Readonly<Record<string, string>>;
  /** One line for the start-up summary. */
  readonly summary: string;
  /** Set when no model is configured (or a configuration is incomplete): what to do about it. */
  readonly notice: string | null;
}

export const NO_MODEL_MESSAGE =
  'No model is configured, so agents cannot work on this repository. Set ANTHROPIC_API_KEY (Anthropic API) ' +
  'or CLAUDE_CODE_USE_BEDROCK=1 with AWS_REGION and AWS credentials (Amazon Bedrock), then restart `npm start`. ' +
  'The demo repository demo/hello works without a model.';

const set = (env: NodeJS.ProcessEnv, name: string) => {
  const v = env[name];
  return v !== undefined && v.trim() !== '';
};
const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (set(env, name)) out[name] = env[name]!;
  return out;
}

/**
 * The harness of repositories (other than the demo) when no model is configured: it fails at once,
 * and the task's error says how to configure one (sh prints its first argument on stderr).
 */
export const NO_MODEL_HARNESS: HarnessSpec = { type: 'command', command: ['sh', '-c', 'printf "%s\\n" "$0" >&2; exit 1', NO_MODEL_MESSAGE], promptVia: 'file' };

export function chooseHarness(env: NodeJS.ProcessEnv): HarnessChoice {
  const noModel = NO_MODEL_HARNESS;
  const setupHint = 'Set ANTHROPIC_API_KEY, or CLAUDE_CODE_USE_BEDROCK=1 with AWS_REGION and AWS credentials, and restart.';

  if (truthy(env.CLAUDE_CODE_USE_BEDROCK)) {
    const region = set(env, 'AWS_REGION') || set(env, 'AWS_DEFAULT_REGION');
    const staticKeys = set(env, 'AWS_ACCESS_KEY_ID') && set(env, 'AWS_SECRET_ACCESS_KEY');
    const bearer = set(env, 'AWS_BEARER_TOKEN_BEDROCK');
    if (region && (staticKeys || bearer)) {
      // The agent's HOME is its workspace: profile files (AWS_PROFILE, ~/.aws) are not reachable
      // from the sandbox, so only region, keys and tokens are passed.
      const names = BEDROCK_ENV_KEYS.filter((n) => ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'ANTHROPIC_BEDROCK_BASE_URL'].includes(n));
      return {
        harness: { type: 'claude', provider: 'bedrock' },
        env: { CLAUDE_CODE_USE_BEDROCK: '1', ...pick(env, names) },
        summary: `claude on Amazon Bedrock (${env.AWS_REGION || env.AWS_DEFAULT_REGION}, ${bearer && !staticKeys ? 'AWS_BEARER_TOKEN_BEDROCK' : 'AWS access keys'})`,
        notice: null,
      };
    }
    const missing = [...(region ? [] : ['AWS_REGION']), ...(staticKeys || bearer ? [] : ['AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (or AWS_BEARER_TOKEN_BEDROCK)'])];
    return {
      harness: noModel,
      env: {},
      summary: 'none: the Bedrock configuration is incomplete (demo/hello replays its recorded trajectory)',
      notice: `CLAUDE_CODE_USE_BEDROCK is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing, so no model is used: only the demo repository works (a recorded trajectory); tasks on other repositories fail with this hint. ${setupHint}`,
    };
  }

  if (set(env, 'ANTHROPIC_API_KEY') || set(env, 'ANTHROPIC_AUTH_TOKEN')) {
    const passed = pick(env, ANTHROPIC_ENV_KEYS);
    return {
      harness: { type: 'claude', provider: 'anthropic' },
      env: passed,
      summary: `claude on the Anthropic API${passed.ANTHROPIC_BASE_URL ? ` (via ${passed.ANTHROPIC_BASE_URL})` : ''}`,
      notice: null,
    };
  }

  return {
    harness: noModel,
    env: {},
    summary: 'none configured (demo/hello replays its recorded trajectory)',
    notice: `No model configured: only the demo repository works (its recorded trajectory is replayed); tasks on other repositories fail with this hint. ${setupHint}`,
  };
}
