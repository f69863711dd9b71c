import { formatSummary, shown, type SummaryInput } from './summary';

const input: SummaryInput = {
  seconds: 9.34,
  endpoints: { api_url: 'http://127.0.0.1:8080', eventbridge_url: 'http://127.0.0.1:1', dynamodb_url: 'http://127.0.0.1:2', kinesis_url: 'http://127.0.0.1:3', forge_url: 'http://127.0.0.1:4' },
  endpointsFile: '/repo/.abca/endpoints.json',
  adminKeyFile: '/repo/.abca/admin.key',
  cliConfigFile: '/home/u/.bgagent/config.json',
  replacedApiUrl: null,
  harnessSummary: 'none configured',
  harnessNotice: 'No model configured: set ANTHROPIC_API_KEY',
  sandboxed: true,
  logFile: '/repo/.abca/logs/platform.log',
  sessionsDir: '/repo/.abca/sessions/sessions',
  forgeTokenFile: '/repo/.abca/secrets/forge-token',
  demoCloneUrl: 'http://127.0.0.1:4/demo/hello.git',
  dataDir: '/repo/.abca',
  rateLimitPerMinute: 600,
  jwtIssuer: null,
  githubWebhooks: false,
  slack: false,
};

describe('the start-up summary', () => {
  test('where things are and what to run next, paths relative to the working directory', () => {
    const text = formatSummary(input, '/repo');
    for (const expected of [
      'ABCA is running (ready in 9.3 s)',
      'API          http://127.0.0.1:8080',
      'Admin key    .abca/admin.key (user admin); the CLI is configured in /home/u/.bgagent/config.json',
      'Logs         .abca/logs/platform.log',
      '! No model configured: set ANTHROPIC_API_KEY',
      'npm run demo',
      'npm run bgagent -- submit --repo demo/hello --task "Add a goodbye function" --wait',
      'npm run bgagent -- list',
      'git clone http://x-access-token:$(cat .abca/secrets/forge-token)@127.0.0.1:4/demo/hello.git',
      'Ctrl-C stops ABCA',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('BGAGENT_API_KEY');
  });

  test('without the CLI config it says how to point the CLI at the API', () => {
    expect(formatSummary({ ...input, cliConfigFile: null }, '/repo')).toContain('export BGAGENT_API_URL=http://127.0.0.1:8080 BGAGENT_API_KEY=$(cat .abca/admin.key)');
  });

  test('shown', () => {
    expect(shown('/repo/.abca', '/repo')).toBe('.abca');
    expect(shown('/elsewhere/x', '/repo')).toBe('/elsewhere/x');
  });
});
