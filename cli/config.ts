/**
 * The CLI's configuration: `config.json` in `~/.bgagent/` (or BGAGENT_CONFIG_DIR), holding `api_url`
 * and optionally `api_key`. The environment overrides the file: BGAGENT_API_URL for the URL,
 * BGAGENT_API_KEY for the key (sent as X-API-Key), BGAGENT_TOKEN for a JWT (sent as
 * `Authorization: Bearer`). The file is written with mode 0600 in a folder created 0700 (it may hold a key).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './args';

export interface CliConfig {
  readonly api_url?: string;
  readonly api_key?: string;
}

/** The configuration cannot be used (unreadable file, no API URL): exit code 1 with the message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Auth =
  | { readonly kind: 'api-key'; readonly key: string; readonly source: 'BGAGENT_API_KEY' | 'config' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'none' };

export interface Connection {
  /** The configured URL as given (for messages). */
  readonly apiUrl: string;
  readonly auth: Auth;
}

function configDir(env: NodeJS.ProcessEnv): string {
  if (env.BGAGENT_CONFIG_DIR) return path.resolve(env.BGAGENT_CONFIG_DIR);
  return path.join(env.HOME || os.homedir(), '.bgagent');
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return path.join(configDir(env), 'config.json');
}

/** The config file's content ({} when there is none). */
export function loadConfig(env: NodeJS.ProcessEnv): CliConfig {
  const file = configPath(env);
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}. Fix it or run \`bgagent configure --api-url <url>\` again.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file} does not hold a JSON object. Run \`bgagent configure --api-url <url>\` again.`);
  }
  const obj = parsed as Record<string, unknown>;
  return {
    ...(typeof obj.api_url === 'string' ? { api_url: obj.api_url } : {}),
    ...(typeof obj.api_key === 'string' ? { api_key: obj.api_key } : {}),
  };
}

/** Writes the config file (0600) in its folder (created 0700); returns the file's path. */
export function saveConfig(env: NodeJS.ProcessEnv, config: CliConfig): string {
  const dir = configDir(env);
  // The folder is created 0700; an existing one is tightened only when it is the default ~/.bgagent
  // (a folder named by BGAGENT_CONFIG_DIR may be shared with other things: its mode is the user's choice).
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  } else if (!env.BGAGENT_CONFIG_DIR) {
    chmodSync(dir, 0o700);
  }
  const file = path.join(dir, 'config.json');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

/** A usable API URL (http or https, no query or fragment), without its trailing slashes. */
export function validateApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`--api-url '${raw}' is not a valid URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--api-url must be an http:// or https:// URL (got '${raw}')`);
  }
  if (url.search || url.hash) throw new UsageError(`--api-url must not have a query or fragment (got '${raw}')`);
  if (url.username || url.password) throw new UsageError('--api-url must not contain credentials; use --api-key');
  return url.toString().replace(/\/+$/, '');
}

/** A key of the form `bgak_<key_id>_<secret>`. */
export function validateApiKey(raw: string): string {
  const key = raw.trim();
  if (!/^bgak_[A-Za-z0-9-]+_\S+$/.test(key)) throw new UsageError('--api-key must look like bgak_<key_id>_<secret>');
  return key;
}

/** URL and credentials to call the API with: the environment first, then the config file. */
export function resolveConnection(env: NodeJS.ProcessEnv): Connection {
  const config = loadConfig(env);
  const apiUrl = env.BGAGENT_API_URL || config.api_url;
  if (!apiUrl) {
    throw new ConfigError(
      `no API URL configured. Run \`bgagent configure --api-url <url>\` (e.g. http://127.0.0.1:8080 for \`npm start\`) or set BGAGENT_API_URL.`,
    );
  }
  let auth: Auth = { kind: 'none' };
  if (env.BGAGENT_API_KEY) auth = { kind: 'api-key', key: env.BGAGENT_API_KEY.trim(), source: 'BGAGENT_API_KEY' };
  else if (env.BGAGENT_TOKEN) auth = { kind: 'bearer', token: env.BGAGENT_TOKEN.trim().replace(/^Bearer\s+/i, '') };
  else if (config.api_key) auth = { kind: 'api-key', key: config.api_key, source: 'config' };
  return { apiUrl, auth };
}

/** `bgak_01J…_abcd…` → `bgak_01J…_****` (for display). */
export function maskKey(key: string): string {
  const m = /^(bgak_[^_]+_)(.*)$/.exec(key);
  if (!m) return '****';
  return `${m[1]}${'*'.repeat(4)}`;
}
