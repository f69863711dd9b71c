/** bgagent configure: writes ~/.bgagent/config.json (api_url, api_key). */
import { flag, stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { configPath, loadConfig, maskKey, saveConfig, validateApiKey, validateApiUrl, type CliConfig } from '../config';

export const configure: CommandSpec = {
  name: 'configure',
  summary: 'Save the API URL (and optionally an API key) to ~/.bgagent/config.json.',
  notes: [
    'The file is written with mode 0600 in a folder created 0700. BGAGENT_CONFIG_DIR moves the folder.',
    'The environment overrides the file: BGAGENT_API_URL, BGAGENT_API_KEY (sent as X-API-Key),',
    'BGAGENT_TOKEN (a JWT, sent as Authorization: Bearer).',
  ],
  options: {
    'api-url': { type: 'string', value: '<url>', description: 'Base URL of the platform API, e.g. http://127.0.0.1:8080' },
    'api-key': { type: 'string', value: '<key>', description: 'API key (bgak_<key_id>_<secret>) from `bgagent api-key create`' },
    'clear-api-key': { type: 'boolean', description: 'Remove the saved API key' },
    show: { type: 'boolean', description: 'Print the current configuration instead of changing it' },
  },
  examples: [
    'bgagent configure --api-url http://127.0.0.1:8080',
    'bgagent configure --api-url https://api.example.com --api-key bgak_01J..._...',
    'bgagent configure --show',
  ],
  async run(ctx, args) {
    const current = loadConfig(ctx.env);
    const file = configPath(ctx.env);
    const url = stringOpt(args, 'api-url');
    const key = stringOpt(args, 'api-key');
    const clear = flag(args, 'clear-api-key');
    if (flag(args, 'show')) {
      const shown = { path: file, api_url: current.api_url ?? null, api_key: current.api_key ? maskKey(current.api_key) : null };
      if (ctx.json) ctx.printJson(shown);
      else {
        ctx.out(`config:  ${file}`);
        ctx.out(`api_url: ${current.api_url ?? '(not set)'}${ctx.env.BGAGENT_API_URL ? `  (overridden by BGAGENT_API_URL=${ctx.env.BGAGENT_API_URL})` : ''}`);
        ctx.out(`api_key: ${current.api_key ? maskKey(current.api_key) : '(not set)'}${ctx.env.BGAGENT_API_KEY ? '  (overridden by BGAGENT_API_KEY)' : ''}`);
      }
      return 0;
    }
    if (url === undefined && key === undefined && !clear) throw new UsageError('give --api-url and/or --api-key (or --show)');
    if (key !== undefined && clear) throw new UsageError('--api-key and --clear-api-key cannot be used together');
    const apiUrl = url !== undefined ? validateApiUrl(url) : current.api_url;
    if (!apiUrl) throw new UsageError('missing option --api-url (no API URL is configured yet)');
    const next: CliConfig = { api_url: apiUrl };
    const apiKey = key !== undefined ? validateApiKey(key) : clear ? undefined : current.api_key;
    const saved = saveConfig(ctx.env, apiKey ? { ...next, api_key: apiKey } : next);
    if (ctx.json) {
      ctx.printJson({ path: saved, api_url: apiUrl, api_key: apiKey ? maskKey(apiKey) : null });
      return 0;
    }
    ctx.out(`Saved ${saved}`);
    ctx.out(`  api_url: ${apiUrl}`);
    if (apiKey) ctx.out(`  api_key: ${maskKey(apiKey)}`);
    if (ctx.env.BGAGENT_API_KEY && key !== undefined) ctx.err(ctx.errStyle.yellow('note: BGAGENT_API_KEY is set and takes precedence over the saved key'));
    return 0;
  },
};
