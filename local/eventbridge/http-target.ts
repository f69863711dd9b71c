/**
 * Delivery to an API destination: an HTTP request to its InvocationEndpoint (with the target's
 * PathParameterValues in place of `*`), the connection's authorization (API_KEY header, BASIC
 * `Authorization`, or an OAuth client-credentials token) and invocation parameters, the target's
 * HttpParameters, and the transformed input as the body. A 2xx answer is a delivery; a network
 * error, a timeout (5 s, as AWS), 401, 407, 409, 429 and 5xx are retried; other statuses are not.
 */
import http from 'node:http';
import https from 'node:https';
import type { ApiDestinationRecord, ConnectionRecord, HttpParameters, KeyValue } from './model';
import { DeliveryError } from './delivery-error';

interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

const RETRYABLE = new Set([401, 407, 409, 429]);

/** One HTTP exchange without connection reuse (so servers in tests close promptly). */
function httpCall(req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new DeliveryError('INVALID_PARAMETER', `Invalid endpoint URL ${req.url}`, false));
      return;
    }
    const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!mod) {
      reject(new DeliveryError('INVALID_PARAMETER', `Unsupported protocol in ${req.url}`, false));
      return;
    }
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    const request = mod.request(url, { method: req.method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => reject(new DeliveryError('CONNECTION_FAILURE', err.message)));
    });
    request.on('timeout', () => request.destroy(new DeliveryError('TIMEOUT', `No answer from ${url.origin} within ${timeoutMs} ms`)));
    request.on('error', (err) => reject(err instanceof DeliveryError ? err : new DeliveryError('CONNECTION_FAILURE', `Unable to invoke ApiDestination endpoint: ${err.message}`)));
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}

const addQuery = (url: URL, params: Record<string, string>) => {
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
};
const kv = (list: KeyValue[] | undefined): Record<string, string> => Object.fromEntries((list ?? []).map((p) => [p.Key, p.Value]));

/** OAuth tokens per connection ARN; a fetch under way is shared by concurrent deliveries. */
const tokens = new Map<string, Promise<{ token: string; expiresAt: number }>>();

function oauthToken(conn: ConnectionRecord, timeoutMs: number, refresh: boolean): Promise<string> {
  const key = conn.ConnectionArn;
  const cached = refresh ? undefined : tokens.get(key);
  const pending = cached ?? fetchToken(conn, timeoutMs);
  if (!cached) {
    tokens.set(key, pending);
    pending.catch(() => tokens.get(key) === pending && tokens.delete(key));
  }
  return pending.then((t) => {
    if (t.expiresAt > Date.now()) return t.token;
    if (tokens.get(key) === pending) tokens.delete(key);
    return oauthToken(conn, timeoutMs, false);
  });
}

async function fetchToken(conn: ConnectionRecord, timeoutMs: number): Promise<{ token: string; expiresAt: number }> {
  const o = conn.AuthParameters.OAuthParameters!;
  const url = new URL(o.AuthorizationEndpoint);
  addQuery(url, kv(o.OAuthHttpParameters?.QueryStringParameters));
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...kv(o.OAuthHttpParameters?.BodyParameters) });
  const res = await httpCall(
    {
      url: url.toString(),
      method: o.HttpMethod || 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${o.ClientParameters.ClientID}:${o.ClientParameters.ClientSecret}`).toString('base64')}`,
        ...kv(o.OAuthHttpParameters?.HeaderParameters),
      },
      body: form.toString(),
    },
    timeoutMs,
  );
  if (res.status < 200 || res.status >= 300) throw new DeliveryError('FAILED_TO_ASSUME_ROLE', `OAuth token request failed with status ${res.status}`);
  let parsed: { access_token?: string; expires_in?: number };
  try {
    parsed = JSON.parse(res.body) as typeof parsed;
  } catch {
    throw new DeliveryError('FAILED_TO_ASSUME_ROLE', 'OAuth token answer is not JSON');
  }
  if (!parsed.access_token) throw new DeliveryError('FAILED_TO_ASSUME_ROLE', 'OAuth token answer has no access_token');
  // Renewed 5 s before it expires (a token is used at least once, however short-lived).
  return { token: parsed.access_token, expiresAt: Date.now() + Math.max(1000, (parsed.expires_in ?? 3600) * 1000 - 5000) };
}

/** The request for one delivery. */
async function buildRequest(
  dest: ApiDestinationRecord,
  conn: ConnectionRecord,
  targetParams: HttpParameters | undefined,
  input: string,
  timeoutMs: number,
  refreshToken = false,
): Promise<HttpRequest> {
  let endpoint = dest.InvocationEndpoint;
  for (const value of targetParams?.PathParameterValues ?? []) endpoint = endpoint.replace('*', encodeURIComponent(value));
  const url = new URL(endpoint);
  const inv = conn.AuthParameters.InvocationHttpParameters;
  addQuery(url, kv(inv?.QueryStringParameters));
  addQuery(url, targetParams?.QueryStringParameters ?? {});
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': 'Amazon/EventBridge/ApiDestinations',
    ...(targetParams?.HeaderParameters ?? {}),
    ...kv(inv?.HeaderParameters),
  };
  const auth = conn.AuthParameters;
  if (conn.AuthorizationType === 'API_KEY' && auth.ApiKeyAuthParameters) headers[auth.ApiKeyAuthParameters.ApiKeyName] = auth.ApiKeyAuthParameters.ApiKeyValue;
  else if (conn.AuthorizationType === 'BASIC' && auth.BasicAuthParameters) {
    headers.Authorization = `Basic ${Buffer.from(`${auth.BasicAuthParameters.Username}:${auth.BasicAuthParameters.Password}`).toString('base64')}`;
  } else if (conn.AuthorizationType === 'OAUTH_CLIENT_CREDENTIALS' && auth.OAuthParameters) {
    headers.Authorization = `Bearer ${await oauthToken(conn, timeoutMs, refreshToken)}`;
  }
  let body: string | undefined = input;
  const bodyParams = kv(inv?.BodyParameters);
  if (Object.keys(bodyParams).length) {
    // Connection body parameters join a JSON object body.
    try {
      const parsed = JSON.parse(input) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = JSON.stringify({ ...bodyParams, ...(parsed as object) });
    } catch {
      /* not JSON: sent as is */
    }
  }
  const method = (dest.HttpMethod || 'POST').toUpperCase();
  if (method === 'GET' || method === 'HEAD') body = undefined;
  return { url: url.toString(), method, headers, body };
}

/** Sends one delivery; throws DeliveryError when it did not succeed. */
export async function invokeApiDestination(
  dest: ApiDestinationRecord,
  conn: ConnectionRecord,
  targetParams: HttpParameters | undefined,
  input: string,
  timeoutMs: number,
): Promise<void> {
  if (conn.ConnectionState !== 'AUTHORIZED') throw new DeliveryError('NO_PERMISSIONS', `Connection ${conn.Name} is ${conn.ConnectionState}`, false);
  let res = await httpCall(await buildRequest(dest, conn, targetParams, input, timeoutMs), timeoutMs);
  if (res.status === 401 && conn.AuthorizationType === 'OAUTH_CLIENT_CREDENTIALS') {
    res = await httpCall(await buildRequest(dest, conn, targetParams, input, timeoutMs, true), timeoutMs);
  }
  if (res.status >= 200 && res.status < 300) return;
  throw new DeliveryError(
    'SDK_CLIENT_ERROR',
    `Unable to invoke ApiDestination endpoint: The request failed because the endpoint responded with status ${res.status}.`,
    RETRYABLE.has(res.status) || res.status >= 500,
  );
}
