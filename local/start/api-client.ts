/** A minimal client of the REST API for `npm run demo` (and the start test): fetch with the API key. */
export interface ApiResult<T = any> {
  readonly status: number;
  readonly body: T;
}

export async function callApi<T = any>(apiUrl: string, key: string, method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<ApiResult<T>> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* left as text */
  }
  return { status: response.status, body: parsed as T };
}

/** Whether the API answers at all (any HTTP status counts; a refused connection does not). */
export async function apiAnswers(apiUrl: string, timeoutMs = 3_000): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/v1/tasks`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

export const TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/** The message of an error envelope, or the status. */
export function errorText(result: ApiResult): string {
  const err = (result.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return err ? `${result.status} ${err.code ?? ''}: ${err.message ?? ''}` : `HTTP ${result.status}`;
}
