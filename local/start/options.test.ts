import path from 'node:path';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, DEFAULT_RATE_LIMIT, parseStartOptions, StartUsageError, USAGE } from './options';

const start = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const parsed = parseStartOptions(argv, env, '/work/here');
  if (parsed.kind !== 'start') throw new Error('expected start');
  return parsed.options;
};

describe('npm start options', () => {
  test('defaults', () => {
    expect(start([])).toEqual({
      port: DEFAULT_PORT,
      dataDir: DEFAULT_DATA_DIR,
      forgePort: undefined,
      rateLimitPerMinute: DEFAULT_RATE_LIMIT,
      githubWebhookSecret: null,
      jwt: null,
      slackWebhookUrl: null,
      writeCliConfig: true,
    });
    expect(path.basename(DEFAULT_DATA_DIR)).toBe('.abca');
  });

  test('flags, both spellings; relative data dirs resolve against the working directory', () => {
    expect(start(['--port', '0', '--data-dir=data'])).toMatchObject({ port: 0, dataDir: '/work/here/data' });
    expect(start(['--port=9000', '--forge-port', '9001', '--rate-limit', '0', '--no-cli-config'])).toMatchObject({
      port: 9000,
      forgePort: 9001,
      rateLimitPerMinute: null,
      writeCliConfig: false,
    });
  });

  test('the environment, and flags win over it', () => {
    const env = {
      ABCA_PORT: '8181',
      ABCA_DATA_DIR: '/srv/abca',
      ABCA_FORGE_PORT: '8182',
      ABCA_RATE_LIMIT_PER_MINUTE: '30',
      ABCA_GITHUB_WEBHOOK_SECRET: 'a-long-enough-secret',
      ABCA_JWT_ISSUER: 'https://issuer.example',
      ABCA_JWT_JWKS_URI: 'http://127.0.0.1:9/jwks.json',
      ABCA_SLACK_WEBHOOK_URL: 'https://hooks.slack.example/services/T/B/X',
      ABCA_NO_CLI_CONFIG: '1',
    };
    expect(start([], env)).toEqual({
      port: 8181,
      dataDir: '/srv/abca',
      forgePort: 8182,
      rateLimitPerMinute: 30,
      githubWebhookSecret: 'a-long-enough-secret',
      jwt: { kind: 'jwks', issuer: 'https://issuer.example', jwksUri: 'http://127.0.0.1:9/jwks.json', audience: null },
      slackWebhookUrl: 'https://hooks.slack.example/services/T/B/X',
      writeCliConfig: false,
    });
    expect(start(['--port', '1234', '--data-dir', '/tmp/x', '--jwt-audience', 'abca'], env)).toMatchObject({ port: 1234, dataDir: '/tmp/x', jwt: { audience: 'abca' } });
    expect(start([], { ABCA_PORT: '  ', ABCA_RATE_LIMIT_PER_MINUTE: 'off' })).toMatchObject({ port: DEFAULT_PORT, rateLimitPerMinute: null });
  });

  test('help', () => {
    expect(parseStartOptions(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseStartOptions(['-h', '--port', 'nope'], {})).toEqual({ kind: 'help' });
    for (const name of ['ABCA_PORT', 'ABCA_DATA_DIR', 'ABCA_GITHUB_WEBHOOK_SECRET', 'ABCA_JWT_ISSUER', 'ABCA_JWT_JWKS_URI', 'ABCA_RATE_LIMIT_PER_MINUTE', 'ABCA_SLACK_WEBHOOK_URL', 'ANTHROPIC_API_KEY', 'CLAUDE_CODE_USE_BEDROCK', 'BGAGENT_CONFIG_DIR']) {
      expect(USAGE).toContain(name);
    }
  });

  test.each([
    [['--port', 'abc'], {}, /--port must be a port number/],
    [['--port', '70000'], {}, /--port must be a port number/],
    [[], { ABCA_PORT: '-1' }, /ABCA_PORT must be a port number/],
    [['--port'], {}, /--port needs a value/],
    [['--port', '--data-dir', 'x'], {}, /--port needs a value/],
    [['--nope'], {}, /unknown option --nope/],
    [['serve'], {}, /unexpected argument 'serve'/],
    [['--no-cli-config=1'], {}, /takes no value/],
    [['--rate-limit', '1.5'], {}, /--rate-limit must be a whole number/],
    [[], { ABCA_JWT_ISSUER: 'https://issuer.example' }, /both the issuer and its JWKS/],
    [[], { ABCA_JWT_ISSUER: 'https://i.example', ABCA_JWT_JWKS_URI: 'ftp://x' }, /ABCA_JWT_JWKS_URI must be an http\(s\) URL/],
    [[], { ABCA_SLACK_WEBHOOK_URL: 'not a url' }, /ABCA_SLACK_WEBHOOK_URL must be a URL/],
    [[], { ABCA_GITHUB_WEBHOOK_SECRET: 'short' }, /at least 16 characters/],
  ] as const)('%j %j is refused clearly', (argv, env, message) => {
    const run = () => parseStartOptions(argv, env as NodeJS.ProcessEnv);
    expect(run).toThrow(StartUsageError);
    expect(run).toThrow(message);
  });
});
