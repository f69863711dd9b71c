import { chooseHarness, NO_MODEL_HARNESS, NO_MODEL_MESSAGE } from './harness';

describe('harness choice from the environment', () => {
  const platformSecrets = { PATH: '/bin', HOME: '/root', ABCA_ADMIN_KEY: 'bgak_x_y', GITHUB_TOKEN: 'ghp_x' };

  test('ANTHROPIC_API_KEY → claude on the Anthropic API; only the Anthropic variables reach the agents', () => {
    const choice = chooseHarness({ ...platformSecrets, ANTHROPIC_API_KEY: 'sk-ant-1', ANTHROPIC_BASE_URL: 'https://gw.example' });
    expect(choice.harness).toEqual({ type: 'claude', provider: 'anthropic' });
    expect(choice.env).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-1', ANTHROPIC_BASE_URL: 'https://gw.example' });
    expect(choice.notice).toBeNull();
    expect(choice.summary).toMatch(/Anthropic API \(via https:\/\/gw.example\)/);
    expect(chooseHarness({ ANTHROPIC_AUTH_TOKEN: 'tok' }).env).toEqual({ ANTHROPIC_AUTH_TOKEN: 'tok' });
  });

  test('CLAUDE_CODE_USE_BEDROCK=1 with a region and credentials → claude on Bedrock (wins over an Anthropic key)', () => {
    const choice = chooseHarness({
      ...platformSecrets,
      ANTHROPIC_API_KEY: 'sk-ant-1',
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
      AWS_PROFILE: 'dev',
    });
    expect(choice.harness).toEqual({ type: 'claude', provider: 'bedrock' });
    expect(choice.env).toEqual({ CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' });
    expect(choice.notice).toBeNull();
    const bearer = chooseHarness({ CLAUDE_CODE_USE_BEDROCK: 'true', AWS_DEFAULT_REGION: 'eu-west-1', AWS_BEARER_TOKEN_BEDROCK: 'tok' });
    expect(bearer.harness).toEqual({ type: 'claude', provider: 'bedrock' });
    expect(bearer.env).toEqual({ CLAUDE_CODE_USE_BEDROCK: '1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_BEARER_TOKEN_BEDROCK: 'tok' });
  });

  test('an incomplete Bedrock configuration says what is missing and uses no model', () => {
    const choice = chooseHarness({ CLAUDE_CODE_USE_BEDROCK: '1', AWS_ACCESS_KEY_ID: 'AKIA' });
    expect(choice.harness).toEqual(NO_MODEL_HARNESS);
    expect(choice.env).toEqual({});
    expect(choice.notice).toMatch(/AWS_REGION and AWS_ACCESS_KEY_ID \+ AWS_SECRET_ACCESS_KEY \(or AWS_BEARER_TOKEN_BEDROCK\) are missing/);
  });

  test('no model: a clear notice naming the variables, nothing passed to agents, tasks fail with the hint', () => {
    for (const env of [platformSecrets, { ANTHROPIC_API_KEY: '  ' }, { CLAUDE_CODE_USE_BEDROCK: '0', AWS_REGION: 'us-east-1' }]) {
      const choice = chooseHarness(env);
      expect(choice.harness).toEqual(NO_MODEL_HARNESS);
      expect(choice.env).toEqual({});
      expect(choice.notice).toMatch(/ANTHROPIC_API_KEY/);
      expect(choice.notice).toMatch(/CLAUDE_CODE_USE_BEDROCK=1/);
    }
    expect(NO_MODEL_HARNESS).toEqual({ type: 'command', command: ['sh', '-c', expect.any(String), NO_MODEL_MESSAGE], promptVia: 'file' });
  });
});
