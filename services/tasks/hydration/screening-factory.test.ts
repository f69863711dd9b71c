/** Choosing the screen from the environment: rule-based by default, Bedrock Guardrails when configured. */
import { startRecordingServer, type RecordingServer } from '../../adapters/testing/recording-server';
import { BedrockGuardrailScreening } from '../../adapters/screening/bedrock-guardrail-screening';
import { bedrockRuntimeClient } from '../../adapters/screening/bedrock-runtime-client';
import { RuleBasedScreening } from './screening';
import { ScreeningConfigError, screeningFromEnv } from './screening-factory';

test('no guardrail configured → the rule-based screen', () => {
  expect(screeningFromEnv({})).toBeInstanceOf(RuleBasedScreening);
  expect(screeningFromEnv({ ABCA_GUARDRAIL_ID: ' ', ABCA_GUARDRAIL_VERSION: '' })).toBeInstanceOf(RuleBasedScreening);
});

describe('a guardrail configured', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: { action: 'NONE', outputs: [], assessments: [] } }));
  });
  afterAll(() => server.close());

  it('→ Bedrock Guardrails, applying that guardrail and version', async () => {
    const client = bedrockRuntimeClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy' }, maxAttempts: 1 });
    try {
      const screening = screeningFromEnv({ ABCA_GUARDRAIL_ID: 'gr0abc123def', ABCA_GUARDRAIL_VERSION: 'DRAFT' }, { client });
      expect(screening).toBeInstanceOf(BedrockGuardrailScreening);
      await expect(screening.screen([{ source: 'the title of issue #1', text: 'Fix the build' }])).resolves.toEqual({ verdict: 'allow', findings: [] });
      expect(server.requests.map((r) => r.url)).toEqual(['/guardrail/gr0abc123def/version/DRAFT/apply']);
    } finally {
      client.destroy();
    }
  });

  it('builds its own client in AWS_REGION when none is given', () => {
    expect(screeningFromEnv({ ABCA_GUARDRAIL_ID: 'gr0abc123def', ABCA_GUARDRAIL_VERSION: '2', AWS_REGION: 'eu-west-1' })).toBeInstanceOf(BedrockGuardrailScreening);
  });
});

test.each([
  [{ ABCA_GUARDRAIL_ID: 'gr0abc123def' }, /ABCA_GUARDRAIL_ID and ABCA_GUARDRAIL_VERSION go together/],
  [{ ABCA_GUARDRAIL_VERSION: '1' }, /ABCA_GUARDRAIL_ID and ABCA_GUARDRAIL_VERSION go together/],
  [{ ABCA_GUARDRAIL_ID: 'My Guardrail', ABCA_GUARDRAIL_VERSION: '1' }, /ABCA_GUARDRAIL_ID="My Guardrail" is not a guardrail id or ARN/],
  [{ ABCA_GUARDRAIL_ID: 'gr0abc123def', ABCA_GUARDRAIL_VERSION: 'latest' }, /ABCA_GUARDRAIL_VERSION="latest" must be a version number \(1, 2, \.\.\.\) or DRAFT/],
])('refuses a half or malformed configuration %j', (env, message) => {
  expect(() => screeningFromEnv(env)).toThrow(ScreeningConfigError);
  expect(() => screeningFromEnv(env)).toThrow(message);
});
