/**
 * The embedded platform with its REST API on a real HTTP port, for contract, authorization and
 * fuzz tests: users get API keys through the credentials service, requests go over HTTP with
 * fetch, and responses can be checked against the API's JSON Schemas.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SHARED_SCHEMAS } from '../../schemas/generated/registry';
import type { Platform, PlatformOptions } from '../../local/platform/platform';
import { apiDepsForPlatform, type LocalApiSettings } from '../../local/api/api-deps';
import { startLocalApi, type LocalApiServer } from '../../local/api/server';
import { createApiHandler } from '../../services/api/api-handler';
import type { ApiDeps } from '../../services/api/deps';
import { startTestPlatform } from './platform';

export interface ApiTestbed {
  readonly platform: Platform;
  readonly api: LocalApiServer;
  readonly deps: ApiDeps;
  /** An API key of `userId` (created once per user). */
  keyOf(userId: string): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<ApiCallResult>;
  stop(): Promise<void>;
}

export interface CallOptions {
  readonly user?: string;
  readonly key?: string;
  readonly body?: unknown;
  readonly rawBody?: string | Buffer;
  readonly headers?: Record<string, string>;
}

export interface ApiCallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

export async function startApiTestbed(options: { platform?: PlatformOptions; api?: Partial<LocalApiSettings> } = {}): Promise<ApiTestbed> {
  const secretsDir = mkdtempSync(path.join(os.tmpdir(), 'abca-api-secrets-'));
  const platform = await startTestPlatform({ testCompute: { delayMs: 50 }, ...options.platform });
  const deps = apiDepsForPlatform(platform, { secretsDir, pageTokenSecret: 'test-page-token-secret-of-32-chars!', requestsPerMinute: null, admins: ['admin'], ...options.api });
  const api = await startLocalApi({ handler: createApiHandler(deps) });
  const keys = new Map<string, Promise<string>>();
  const keyOf = (userId: string) => {
    if (!keys.has(userId)) keys.set(userId, deps.credentials.createApiKey({ userId, name: 'test' }, `user:${userId}`).then((k) => k.key));
    return keys.get(userId)!;
  };
  return {
    platform,
    api,
    deps,
    keyOf,
    async call(method, urlPath, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.user) headers['X-API-Key'] = await keyOf(o.user);
      if (o.key) headers['X-API-Key'] = o.key;
      let body: string | Buffer | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const response = await fetch(`${api.url}${urlPath}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        /* left as text */
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async stop() {
      await api.stop();
      await platform.stop();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}

let validators: Map<string, ValidateFunction> | undefined;
/** Validates `value` against a schema of schemas/api; returns the problems (empty when valid). */
export function schemaProblems(name: 'TaskDetail' | 'TaskEvent' | 'ErrorResponse', value: unknown): string[] {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    validators = new Map((['TaskDetail', 'TaskEvent', 'ErrorResponse'] as const).map((n) => [n, ajv.compile(SHARED_SCHEMAS[n])]));
  }
  const validate = validators.get(name)!;
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
