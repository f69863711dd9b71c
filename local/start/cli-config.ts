/**
 * The CLI's configuration as `npm start` leaves it: `$BGAGENT_CONFIG_DIR/config.json` (default
 * `~/.bgagent/config.json`) with `api_url` and `api_key`, which `bgagent` reads (cli/config.ts).
 * The folder is created 0700 and the file written 0600 (it holds the admin key). Other fields of an
 * existing file are kept; `api_url` and `api_key` are replaced on every start (the port may change).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDir, writeFileAtomic } from './files';

export function cliConfigDir(env: NodeJS.ProcessEnv): string {
  if (env.BGAGENT_CONFIG_DIR) return path.resolve(env.BGAGENT_CONFIG_DIR);
  return path.join(env.HOME || os.homedir(), '.bgagent');
}

export interface CliConfigWrite {
  readonly file: string;
  /** The api_url the file held before, when it was another one. */
  readonly replacedApiUrl: string | null;
}

export function writeCliConfig(env: NodeJS.ProcessEnv, values: { readonly api_url: string; readonly api_key: string }): CliConfigWrite {
  const dir = cliConfigDir(env);
  // A new folder is made 0700; an existing one is tightened only when it is the default ~/.bgagent
  // (a folder named by BGAGENT_CONFIG_DIR may be shared: its mode is the user's choice) — as the CLI does.
  if (!existsSync(dir)) ensureDir(dir, 0o700);
  else if (!env.BGAGENT_CONFIG_DIR) ensureDir(dir, 0o700);
  const file = path.join(dir, 'config.json');
  let previous: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) previous = parsed as Record<string, unknown>;
    } catch {
      // An unreadable file is replaced.
    }
  }
  const replacedApiUrl = typeof previous.api_url === 'string' && previous.api_url !== values.api_url ? previous.api_url : null;
  writeFileAtomic(file, `${JSON.stringify({ ...previous, api_url: values.api_url, api_key: values.api_key }, null, 2)}\n`, 0o600);
  return { file, replacedApiUrl };
}
