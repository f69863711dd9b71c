/**
 * `npm start` options: command-line flags first, then ABCA_* environment variables, then defaults.
 * Pure (argv and env in, options or a usage error out) so it is tested without starting anything.
 */
import path from 'node:path';
import type { JwtIssuerConfig } from '../../services/api/jwt';

export const DEFAULT_PORT = 8080;
export const DEFAULT_RATE_LIMIT = 600;
/** The repository root: `.abca/` there is git-ignored. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, '.abca');

export interface StartOptions {
  /** The API's port; 0 picks a free one (reported in endpoints.json). */
  readonly port: number;
  /** Absolute. */
  readonly dataDir: string;
  /** The forge's port; undefined: the previous run's when free, else any free one. */
  readonly forgePort: number | undefined;
  /** Requests per user and minute; null: no limit. */
  readonly rateLimitPerMinute: number | null;
  readonly githubWebhookSecret: string | null;
  readonly jwt: JwtIssuerConfig | null;
  readonly slackWebhookUrl: string | null;
  /** Write the CLI's config (api_url + admin api_key). */
  readonly writeCliConfig: boolean;
}

export type ParsedStart = { readonly kind: 'help' } | { readonly kind: 'start'; readonly options: StartOptions };

export class StartUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartUsageError';
  }
}

export const USAGE = `Usage: npm start [-- options]

Starts the whole ABCA platform on this machine (DynamoDB Local, local EventBridge, Kinesis
(kinesalite), the services, the local forge, the local agent compute and the REST API), with its
data under the data directory, kept across restarts. Ctrl-C stops it (a second Ctrl-C forces it).

Options (each also read from the environment variable shown; a flag wins):
  --port N                 API port (default ${DEFAULT_PORT}; 0 = any free port)     ABCA_PORT
  --data-dir DIR           data directory (default <repo>/.abca)                    ABCA_DATA_DIR
  --forge-port N           local forge port (default: the previous run's, else any)  ABCA_FORGE_PORT
  --rate-limit N           API requests per user and minute (default ${DEFAULT_RATE_LIMIT}; 0 = none)  ABCA_RATE_LIMIT_PER_MINUTE
  --jwt-issuer URL         accept JWTs from this issuer (with --jwt-jwks-uri)       ABCA_JWT_ISSUER
  --jwt-jwks-uri URL       the issuer's JWKS                                        ABCA_JWT_JWKS_URI
  --jwt-audience AUD       required audience of the JWTs (optional)                 ABCA_JWT_AUDIENCE
  --no-cli-config          do not write the CLI's config file                       ABCA_NO_CLI_CONFIG=1
  -h, --help               this help

Environment only (secrets do not belong on a command line):
  ABCA_GITHUB_WEBHOOK_SECRET   accept GitHub webhooks at POST /v1/github/events with this secret
  ABCA_SLACK_WEBHOOK_URL       post finished tasks to this Slack incoming webhook

Model (the agent's harness; without one, agents replay recorded trajectories):
  ANTHROPIC_API_KEY            Claude through the Anthropic API (ANTHROPIC_BASE_URL optional)
  ANTHROPIC_AUTH_TOKEN         ... or a bearer token for an LLM gateway instead of the key
  CLAUDE_CODE_USE_BEDROCK=1    Claude through Amazon Bedrock, with AWS_REGION and credentials
                               (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN],
                               or AWS_BEARER_TOKEN_BEDROCK)
  Only these variables reach the agents; nothing else of this environment does.

Other:
  BGAGENT_CONFIG_DIR           where the CLI config is written (default ~/.bgagent)
  POWERTOOLS_LOG_LEVEL         level of the service logs in <data-dir>/logs/platform.log (default INFO)
  POWERTOOLS_METRICS_DISABLED  false: also write the platform's metrics (CloudWatch EMF lines) there (default: off)

The repository demo/hello is always served by the replay harness (npm run demo).`;

const FLAGS_WITH_VALUE = new Set(['port', 'data-dir', 'forge-port', 'rate-limit', 'jwt-issuer', 'jwt-jwks-uri', 'jwt-audience']);
const BOOLEAN_FLAGS = new Set(['help', 'no-cli-config']);

/** `--name value`, `--name=value`, `-h`; anything else is a usage error. */
function readFlags(argv: readonly string[]): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) throw new StartUsageError(`unexpected argument '${arg}' (see --help)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq >= 0) throw new StartUsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (FLAGS_WITH_VALUE.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new StartUsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new StartUsageError(`unknown option --${name} (see --help)`);
    }
  }
  return flags;
}

function portOf(raw: string, what: string): number {
  const value = raw.trim();
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new StartUsageError(`${what} must be a port number from 0 to 65535 (got '${raw}')`);
  return Number(value);
}

function rateLimitOf(raw: string, what: string): number | null {
  const value = raw.trim().toLowerCase();
  if (value === '0' || value === 'off' || value === 'none') return null;
  if (!/^\d{1,7}$/.test(value)) throw new StartUsageError(`${what} must be a whole number of requests per minute, or 0 for no limit (got '${raw}')`);
  return Number(value);
}

function httpUrlOf(raw: string, what: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new StartUsageError(`${what} must be a URL (got '${raw}')`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StartUsageError(`${what} must be an http(s) URL (got '${raw}')`);
  return url.toString();
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
const nonEmpty = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

export function parseStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): ParsedStart {
  const flags = readFlags(argv);
  if (flags.has('help')) return { kind: 'help' };
  // A flag wins over its environment variable; `what` names where a bad value came from.
  const pick = (flag: string, variable: string): { value: string; what: string } | undefined => {
    const f = flags.get(flag);
    if (typeof f === 'string') return { value: f, what: `--${flag}` };
    const e = nonEmpty(env[variable]);
    return e === undefined ? undefined : { value: e, what: variable };
  };

  const port = pick('port', 'ABCA_PORT');
  const dataDir = pick('data-dir', 'ABCA_DATA_DIR');
  const forgePort = pick('forge-port', 'ABCA_FORGE_PORT');
  const rate = pick('rate-limit', 'ABCA_RATE_LIMIT_PER_MINUTE');
  const issuer = pick('jwt-issuer', 'ABCA_JWT_ISSUER');
  const jwks = pick('jwt-jwks-uri', 'ABCA_JWT_JWKS_URI');
  const audience = pick('jwt-audience', 'ABCA_JWT_AUDIENCE');
  if ((issuer === undefined) !== (jwks === undefined)) {
    throw new StartUsageError('JWT auth needs both the issuer and its JWKS: set ABCA_JWT_ISSUER and ABCA_JWT_JWKS_URI (or --jwt-issuer and --jwt-jwks-uri), or neither');
  }
  const slack = nonEmpty(env.ABCA_SLACK_WEBHOOK_URL);
  const githubSecret = nonEmpty(env.ABCA_GITHUB_WEBHOOK_SECRET);
  if (githubSecret !== undefined && githubSecret.length < 16) throw new StartUsageError('ABCA_GITHUB_WEBHOOK_SECRET must have at least 16 characters');

  const resolvedDataDir = dataDir ? path.resolve(cwd, dataDir.value) : DEFAULT_DATA_DIR;
  if (dataDir && dataDir.value.trim() === '') throw new StartUsageError(`${dataDir.what} must not be empty`);

  return {
    kind: 'start',
    options: {
      port: port ? portOf(port.value, port.what) : DEFAULT_PORT,
      dataDir: resolvedDataDir,
      forgePort: forgePort ? portOf(forgePort.value, forgePort.what) : undefined,
      rateLimitPerMinute: rate ? rateLimitOf(rate.value, rate.what) : DEFAULT_RATE_LIMIT,
      githubWebhookSecret: githubSecret ?? null,
      jwt:
        issuer && jwks
          ? { kind: 'jwks', issuer: issuer.value, jwksUri: httpUrlOf(jwks.value, jwks.what), audience: audience?.value ?? null }
          : null,
      slackWebhookUrl: slack === undefined ? null : httpUrlOf(slack, 'ABCA_SLACK_WEBHOOK_URL'),
      writeCliConfig: !(flags.has('no-cli-config') || truthy(env.ABCA_NO_CLI_CONFIG)),
    },
  };
}
