/** A forge on a free port over a fresh temporary data folder, with a small JSON client for its REST API. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLocalForge, type LocalForge, type LocalForgeOptions } from '../server';

export const TEST_TOKEN = 'forge-test-token';

interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface TestForge {
  readonly forge: LocalForge;
  readonly dataDir: string;
  /** Calls the REST API with `Authorization: token <token>` (TEST_TOKEN unless given; null sends none). */
  api<T = any>(method: string, pathAndQuery: string, body?: unknown, token?: string | null): Promise<ApiResponse<T>>;
  /** Stops the forge and removes its data (unless `keepData`). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTestForge(options: Partial<LocalForgeOptions> = {}): Promise<TestForge> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'forge-data-')));
  const forge = await startLocalForge({ port: 0, tokens: [TEST_TOKEN], ...options, dataDir });
  return {
    forge,
    dataDir,
    async api(method, pathAndQuery, body, token = TEST_TOKEN) {
      const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
      if (token !== null) headers.authorization = `token ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${forge.apiUrl}${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    },
    async stop({ keepData = false } = {}) {
      await forge.stop();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
