import {
  admissionPolicy,
  admissionPolicyFromEnv,
  DEFAULT_MAX_ACTIVE_TASKS,
  DEFAULT_QUEUE_MAX_AGE_MS,
  MAX_ACTIVE_TASKS_ENV,
  QUEUE_MAX_AGE_MS_ENV,
} from './admission-policy';

describe('admission policy', () => {
  it('defaults to 3 active tasks and a 24-hour queue', () => {
    expect(DEFAULT_MAX_ACTIVE_TASKS).toBe(3);
    expect(DEFAULT_QUEUE_MAX_AGE_MS).toBe(86_400_000);
    expect(admissionPolicy()).toEqual({ maxActiveTasks: 3, queueMaxAgeMs: 86_400_000 });
    expect(admissionPolicy({ maxActiveTasks: null, queueMaxAgeMs: undefined })).toEqual({ maxActiveTasks: 3, queueMaxAgeMs: 86_400_000 });
  });

  it('takes overrides', () => {
    expect(admissionPolicy({ maxActiveTasks: 5, queueMaxAgeMs: 60_000 })).toEqual({ maxActiveTasks: 5, queueMaxAgeMs: 60_000 });
  });

  it('refuses a bad override', () => {
    expect(() => admissionPolicy({ maxActiveTasks: 0 })).toThrow(/maxActiveTasks must be a whole number of at least 1 \(got 0\)/);
    expect(() => admissionPolicy({ queueMaxAgeMs: 1.5 })).toThrow(/queueMaxAgeMs/);
  });

  it('reads the environment (unset or empty: default)', () => {
    expect(admissionPolicyFromEnv({})).toEqual(admissionPolicy());
    expect(admissionPolicyFromEnv({ [MAX_ACTIVE_TASKS_ENV]: ' 10 ', [QUEUE_MAX_AGE_MS_ENV]: '' })).toEqual({ maxActiveTasks: 10, queueMaxAgeMs: 86_400_000 });
    expect(() => admissionPolicyFromEnv({ [QUEUE_MAX_AGE_MS_ENV]: '1h' })).toThrow(`${QUEUE_MAX_AGE_MS_ENV} must be a whole number of at least 1 (got "1h")`);
  });
});
