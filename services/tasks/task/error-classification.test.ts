import { classifyError } from './error-classification';

describe('classifyError', () => {
  test('no error → null', () => {
    expect(classifyError(null, null)).toBeNull();
  });

  test.each([
    ['AGENT_ERROR', 'The agent failed and opened no pull request. Agent error: the agent crashed: sh killed by SIGSEGV', 'agent_crash', true],
    ['AGENT_ERROR', 'The agent failed and opened no pull request. Agent error: max turns reached (100)', 'turn_limit', true],
    ['AGENT_ERROR', 'Agent error: budget exceeded', 'budget_limit', true],
    ['AGENT_ERROR', 'Agent error: verification failed (strict): test `npm test` failed', 'verification', true],
    ['AGENT_ERROR', 'Agent error: the harness was stopped at the session deadline (2026-01-01T00:00:00Z)', 'timeout', true],
    ['AGENT_ERROR', 'Agent error: the pull request could not be opened (the work is on branch b): HTTP 502', 'git_provider', true],
    ['AGENT_ERROR', 'Agent error: the model refused', 'agent_error', true],
    ['NO_REPORT', 'The agent session ended without a final report', 'agent_crash', true],
    ['HEARTBEAT_LOST', 'The agent of session s went silent', 'agent_unresponsive', true],
    ['NO_CHANGES', 'The agent finished without changing anything', 'no_changes', false],
    ['HYDRATION_FAILED', 'issue #4 was not found', 'hydration', false],
    ['SESSION_START_FAILED', 'no capacity', 'compute', true],
    ['QUEUE_TIMEOUT', 'queued too long', 'queue_timeout', true],
    ['TIMED_OUT', 'past its deadline', 'timeout', true],
    ['STRANDED', 'could not be admitted', 'platform', true],
    ['INTERNAL', 'bug', 'platform', true],
  ])('%s "%s" → %s', (code, message, category, retryable) => {
    const c = classifyError(code, message)!;
    expect(c.category).toBe(category);
    expect(c.retryable).toBe(retryable);
    expect(c.description).toBe(message);
    expect(c.title.length).toBeGreaterThan(0);
    expect(c.remedy.length).toBeGreaterThan(0);
  });

  test('an unknown code is a platform error; an empty reason falls back to the title', () => {
    expect(classifyError('SOMETHING_NEW', 'x')).toMatchObject({ category: 'platform', description: 'x' });
    const c = classifyError('NO_CHANGES', '')!;
    expect(c.description).toBe(c.title);
  });
});
