import { DEFAULT_RETRY, jitteredDelay } from './command-handler';

test('jittered delay stays within [0, min(max, base·2^attempt))', () => {
  for (let attempt = 1; attempt <= 12; attempt++) {
    const cap = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
    expect(jitteredDelay(DEFAULT_RETRY, attempt, () => 0)).toBe(0);
    expect(jitteredDelay(DEFAULT_RETRY, attempt, () => 0.999999)).toBe(cap - 1);
  }
  expect(jitteredDelay(DEFAULT_RETRY, 20, () => 0.5)).toBe(DEFAULT_RETRY.maxDelayMs / 2);
});
