/**
 * The one HTTP wrapper of the CLI: base URL (`<api_url>/v1`), auth headers, JSON in and out, the
 * error envelope turned into an ApiError (code, message, request id), a timeout per request, and
 * retries on 429 / 503 honouring Retry-After. Typed calls for every endpoint the CLI uses, so the
 * paths, query parameters and bodies of the contract (docs/API.md) are written in one place.
 */
import type { Auth } from './config';
import type { CancelResult, CreateTaskRequest, Page, Row, TaskDetail, TaskEvent } from './types';

/** An error answer of the API (its `{error: {code, message, request_id}}` envelope). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Nothing answered at the URL (connection refused, unknown host, …). */
export class ApiUnreachableError extends Error {
  constructor(
    readonly apiUrl: string,
    readonly reason: string,
  ) {
    super(`the API is not reachable at ${apiUrl} (${reason})`);
    this.name = 'ApiUnreachableError';
  }
}

/** The API did not answer within the timeout. */
export class ApiTimeoutError extends Error {
  constructor(
    readonly apiUrl: string,
    readonly timeoutMs: number,
  ) {
    super(`the API at ${apiUrl} did not answer within ${timeoutMs < 1000 ? `${timeoutMs}ms` : `${Math.round(timeoutMs / 1000)}s`} (BGAGENT_TIMEOUT_MS sets the limit)`);
    this.name = 'ApiTimeoutError';
  }
}

interface RetryNotice {
  readonly status: number;
  readonly attempt: number;
  readonly delayMs: number;
}

export interface ApiClientOptions {
  readonly apiUrl: string;
  readonly auth: Auth;
  /** Aborts every request (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Per request, default 30 s. */
  readonly timeoutMs?: number;
  /** Retries after 429 / 503 (and a dropped connection on GET), default 3. */
  readonly maxRetries?: number;
  /** Longest wait before a retry, default 30 s (a longer Retry-After is shortened to it). */
  readonly maxRetryDelayMs?: number;
  readonly userAgent?: string;
  readonly onRetry?: (notice: RetryNotice) => void;
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

interface RawResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;
  readonly text: string;
}

type Query = Record<string, string | number | boolean | undefined>;

interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

const RETRYABLE_STATUS = new Set([429, 503]);
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** `http://h:3000`, `http://h:3000/`, `http://h:3000/v1` → `http://h:3000/v1` (the original CLI's api_url includes the stage). */
export function apiBase(apiUrl: string): string {
  const trimmed = apiUrl.trim().replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/** Retry-After in seconds or as an HTTP date → milliseconds (undefined when absent or unreadable). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function networkReason(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
  const code = cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  if (code && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  if (code) return code;
  if (cause?.message) return cause.message;
  if (err instanceof TypeError && /fetch failed/.test(err.message)) return 'connection failed';
  return undefined;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = apiBase(options.apiUrl);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  }

  // ---- tasks ----
  createTask(body: CreateTaskRequest, idempotencyKey?: string): Promise<ApiResponse<{ data: TaskDetail }>> {
    return this.request('POST', '/tasks', { body, headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {} });
  }

  async listTasks(query: { status?: string; repo?: string; limit?: number; next_token?: string }): Promise<Page<TaskDetail>> {
    return (await this.request<Page<TaskDetail>>('GET', '/tasks', { query })).body;
  }

  async getTask(taskId: string): Promise<TaskDetail> {
    return (await this.request<{ data: TaskDetail }>('GET', `/tasks/${enc(taskId)}`)).body.data;
  }

  async cancelTask(taskId: string): Promise<CancelResult> {
    return (await this.request<{ data: CancelResult }>('DELETE', `/tasks/${enc(taskId)}`)).body.data;
  }

  async listEvents(taskId: string, query: { limit?: number; next_token?: string; after?: string; desc?: boolean }): Promise<Page<TaskEvent>> {
    return (await this.request<Page<TaskEvent>>('GET', `/tasks/${enc(taskId)}/events`, { query })).body;
  }

  async getReplay(taskId: string): Promise<unknown> {
    return (await this.request<{ data: unknown }>('GET', `/tasks/${enc(taskId)}/replay`)).body.data;
  }

  async nudge(taskId: string, message: string): Promise<Row | undefined> {
    return (await this.request<{ data?: Row } | undefined>('POST', `/tasks/${enc(taskId)}/nudge`, { body: { message } })).body?.data;
  }

  // ---- webhooks, API keys, repositories ----
  async create(collection: 'webhooks' | 'api-keys' | 'repos', body: unknown): Promise<Row> {
    return (await this.request<{ data: Row }>('POST', `/${collection}`, { body })).body.data;
  }

  async list(collection: 'webhooks' | 'api-keys' | 'repos', query: Query = {}): Promise<Page<Row>> {
    const body = (await this.request<{ data: Row[]; pagination?: Page<Row>['pagination'] }>('GET', `/${collection}`, { query })).body;
    return { data: body.data ?? [], pagination: body.pagination ?? { next_token: null, has_more: false } };
  }

  async revoke(collection: 'webhooks' | 'api-keys', id: string): Promise<Row | undefined> {
    return (await this.request<{ data?: Row } | undefined>('DELETE', `/${collection}/${enc(id)}`)).body?.data;
  }

  // ---- the wrapper ----
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== false) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders(), ...opts.headers };
    if (this.options.userAgent) headers['User-Agent'] = this.options.userAgent;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }

    for (let attempt = 0; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.exchange(url, method, headers, body);
      } catch (err) {
        if (err instanceof ApiUnreachableError && method === 'GET' && /reset|closed/.test(err.reason) && attempt < this.maxRetries) {
          await this.waitBeforeRetry(0, attempt, null);
          continue;
        }
        throw err;
      }
      if (RETRYABLE_STATUS.has(res.status) && attempt < this.maxRetries) {
        await this.waitBeforeRetry(res.status, attempt, res.headers.get('retry-after'));
        continue;
      }
      return this.readResponse<T>(res);
    }
  }

  private authHeaders(): Record<string, string> {
    const auth = this.options.auth;
    if (auth.kind === 'api-key') return { 'X-API-Key': auth.key };
    if (auth.kind === 'bearer') return { Authorization: `Bearer ${auth.token}` };
    return {};
  }

  /** One request and its whole answer, within the timeout; network failures as ApiUnreachableError. */
  private async exchange(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<RawResponse> {
    // One controller per request, aborted by the timeout or by the caller's signal (whose listener is
    // removed afterwards, so a long `watch` does not pile listeners onto it).
    const parent = this.options.signal;
    if (parent?.aborted) throw parent.reason;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.timeoutMs);
    const onAbort = (): void => controller.abort(parent!.reason);
    parent?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await fetch(url, { method, headers, body, signal: controller.signal });
      const text = await res.text();
      return { status: res.status, ok: res.ok, statusText: res.statusText, headers: res.headers, text };
    } catch (err) {
      if (parent?.aborted) throw parent.reason ?? err;
      if (timedOut) throw new ApiTimeoutError(this.options.apiUrl, this.timeoutMs);
      const reason = networkReason(err);
      if (reason) throw new ApiUnreachableError(this.options.apiUrl, reason);
      throw err;
    } finally {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    }
  }

  private async waitBeforeRetry(status: number, attempt: number, retryAfter: string | null): Promise<void> {
    const fallback = Math.min(500 * 2 ** attempt, this.maxRetryDelayMs);
    const delayMs = Math.min(retryAfterMs(retryAfter) ?? fallback, this.maxRetryDelayMs);
    this.options.onRetry?.({ status, attempt: attempt + 1, delayMs });
    await abortableSleep(delayMs, this.options.signal);
  }

  private readResponse<T>(res: RawResponse): ApiResponse<T> {
    const text = res.text;
    const headerRequestId = res.headers.get('x-request-id') ?? undefined;
    let json: unknown;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `${res.statusText || 'error'}: ${text.slice(0, 200)}`, headerRequestId);
        throw new ApiError(res.status, 'BAD_RESPONSE', `the API answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`, headerRequestId);
      }
    }
    if (!res.ok) {
      const envelope = (json as { error?: { code?: unknown; message?: unknown; request_id?: unknown } } | undefined)?.error;
      if (envelope && typeof envelope.code === 'string') {
        const requestId = typeof envelope.request_id === 'string' ? envelope.request_id : headerRequestId;
        throw new ApiError(res.status, envelope.code, typeof envelope.message === 'string' ? envelope.message : res.statusText, requestId);
      }
      throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`, headerRequestId);
    }
    return { status: res.status, body: json as T, headers: res.headers };
  }
}

const enc = (id: string): string => encodeURIComponent(id);
