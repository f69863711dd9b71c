/** The summary `npm start` prints once everything is up: where things are and what to run next. */
import path from 'node:path';

export interface SummaryInput {
  readonly seconds: number;
  readonly endpoints: { readonly api_url: string; readonly eventbridge_url: string; readonly dynamodb_url: string; readonly kinesis_url: string; readonly forge_url: string };
  readonly endpointsFile: string;
  readonly adminKeyFile: string;
  readonly cliConfigFile: string | null;
  readonly replacedApiUrl: string | null;
  readonly harnessSummary: string;
  readonly harnessNotice: string | null;
  /** Whether agents run inside bubblewrap. */
  readonly sandboxed: boolean;
  readonly logFile: string;
  readonly sessionsDir: string;
  readonly forgeTokenFile: string;
  readonly demoCloneUrl: string;
  readonly dataDir: string;
  readonly rateLimitPerMinute: number | null;
  readonly jwtIssuer: string | null;
  readonly githubWebhooks: boolean;
  readonly slack: boolean;
}

/** `p` relative to the working directory when it is inside it, else absolute. */
export function shown(p: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

export function formatSummary(s: SummaryInput, cwd: string = process.cwd()): string {
  const sh = (p: string) => shown(p, cwd);
  const [scheme, rest] = s.demoCloneUrl.split('://') as [string, string];
  const lines = [
    '',
    `ABCA is running (ready in ${s.seconds.toFixed(1)} s).`,
    '',
    `  API          ${s.endpoints.api_url}`,
    `  Admin key    ${sh(s.adminKeyFile)} (user admin)${s.cliConfigFile ? `; the CLI is configured in ${s.cliConfigFile}` : ''}`,
    ...(s.replacedApiUrl ? [`               (the CLI config pointed at ${s.replacedApiUrl} before; use --no-cli-config to leave it alone)`] : []),
    `  Model        ${s.harnessSummary}`,
    `  Sandbox      ${s.sandboxed ? `bubblewrap${process.getuid?.() === 0 ? ', agents run as nobody' : ''}` : 'NONE: bubblewrap (bwrap) does not work here, agents run as plain child processes (install the bubblewrap package)'}`,
    `  Forge        ${s.endpoints.forge_url} (GitHub API subset + git over HTTP)`,
    `  EventBridge  ${s.endpoints.eventbridge_url}`,
    `  DynamoDB     ${s.endpoints.dynamodb_url}`,
    `  Kinesis      ${s.endpoints.kinesis_url}`,
    `  Endpoints    ${sh(s.endpointsFile)}`,
    `  Logs         ${sh(s.logFile)} (JSON lines; agent sessions: ${sh(s.sessionsDir)}/<session>/agent.log)`,
    `  API auth     API keys${s.jwtIssuer ? ` and JWTs from ${s.jwtIssuer}` : ''}; rate limit ${s.rateLimitPerMinute === null ? 'off' : `${s.rateLimitPerMinute}/min per user`}` +
      `${s.githubWebhooks ? '; GitHub webhooks on' : ''}${s.slack ? '; Slack notifications on' : ''}`,
    ...(s.harnessNotice ? ['', `  ! ${s.harnessNotice}`] : []),
    '',
    'Next, in another terminal:',
    '  npm run demo                                   # one task on demo/hello → a pull request on the forge',
    '  npm run bgagent -- submit --repo demo/hello --task "Add a goodbye function" --wait',
    '  npm run bgagent -- list',
    ...(s.cliConfigFile
      ? []
      : [`  (the CLI config was not written: export BGAGENT_API_URL=${s.endpoints.api_url} BGAGENT_API_KEY=$(cat ${sh(s.adminKeyFile)}))`]),
    `  git clone ${scheme}://x-access-token:$(cat ${sh(s.forgeTokenFile)})@${rest} demo-hello   # the demo repository`,
    `  curl -H "X-API-Key: $(cat ${sh(s.adminKeyFile)})" ${s.endpoints.api_url}/v1/repos`,
    '',
    `Ctrl-C stops ABCA; the data stays in ${sh(s.dataDir)} for the next start.`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
