/**
 * Admission policy: how many tasks a user may have active at once, and how long a task may wait
 * in their queue. Defaults, overridable per deployment (environment) and per call.
 */

export const DEFAULT_MAX_ACTIVE_TASKS = 3;
export const DEFAULT_QUEUE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** Environment variables read by `admissionPolicyFromEnv`. */
export const MAX_ACTIVE_TASKS_ENV = 'ABCA_MAX_ACTIVE_TASKS_PER_USER';
export const QUEUE_MAX_AGE_MS_ENV = 'ABCA_QUEUE_MAX_AGE_MS';

export interface AdmissionPolicy {
  /** The cap: active (admitted, not yet terminal) tasks per user. */
  readonly maxActiveTasks: number;
  /** A queued task older than this is dequeued and fails (QUEUE_TIMEOUT). */
  readonly queueMaxAgeMs: number;
}

export interface AdmissionPolicyOverrides {
  readonly maxActiveTasks?: number | null;
  readonly queueMaxAgeMs?: number | null;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Admission policy: ${name} must be a whole number of at least 1 (got ${JSON.stringify(value)}).`);
  }
  return value;
}

/** The defaults with the given overrides (undefined or null: keep the default). Throws on a bad value. */
export function admissionPolicy(overrides: AdmissionPolicyOverrides = {}): AdmissionPolicy {
  return {
    maxActiveTasks: positiveInteger('maxActiveTasks', overrides.maxActiveTasks ?? DEFAULT_MAX_ACTIVE_TASKS),
    queueMaxAgeMs: positiveInteger('queueMaxAgeMs', overrides.queueMaxAgeMs ?? DEFAULT_QUEUE_MAX_AGE_MS),
  };
}

/** Reads ABCA_MAX_ACTIVE_TASKS_PER_USER and ABCA_QUEUE_MAX_AGE_MS (pass `process.env`); empty or unset: the default. */
export function admissionPolicyFromEnv(env: Readonly<Record<string, string | undefined>>): AdmissionPolicy {
  const read = (name: string): number | null => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return null;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1 (got ${JSON.stringify(raw)}).`);
    return value;
  };
  return admissionPolicy({ maxActiveTasks: read(MAX_ACTIVE_TASKS_ENV), queueMaxAgeMs: read(QUEUE_MAX_AGE_MS_ENV) });
}
