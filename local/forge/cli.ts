/**
 * `tsx local/forge/cli.ts [--port N] [--data-dir DIR] --token T [--token T2 …]`: the local forge on
 * its own, for git, curl and octokit. Stays up until Ctrl-C.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalForge } from './server';
import { runCli, stopOnSignals } from '../cli/run-server';

const USAGE = `Usage: tsx local/forge/cli.ts [options]

Starts the local forge: a GitHub-compatible REST API (repositories, issues, comments, pull
requests, branches, comparisons) and git smart HTTP (clone, fetch, push) over bare repositories on
disk, prints its endpoint and runs until Ctrl-C.

  --port N          listen on port N (default 4020; 0 = a free port)
  --host H          listen on H (default 127.0.0.1)
  --data-dir DIR    repositories and metadata (default .abca/forge)
  --token T         an accepted token (repeatable; default: $FORGE_TOKEN)
  --user LOGIN      the user tokens act as (default abca-agent)
  --repo OWNER/NAME create this repository with an initial commit if it does not exist (repeatable)
  --quiet           do not log requests
  --help            show this help

  git clone http://x-access-token:<token>@127.0.0.1:<port>/<owner>/<name>.git
  new Octokit({ auth: '<token>', baseUrl: 'http://127.0.0.1:<port>' })`;

const DEFAULT_DATA_DIR = path.resolve(__dirname, '..', '..', '.abca', 'forge');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string', multiple: true },
      user: { type: 'string' },
      repo: { type: 'string', multiple: true },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  const port = values.port === undefined ? 4020 : Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new Error(`--port must be a port number, got ${values.port}`);
  const tokens = values.token ?? (process.env.FORGE_TOKEN ? [process.env.FORGE_TOKEN] : []);
  if (!tokens.length) throw new Error('Give at least one --token (or set FORGE_TOKEN); see --help.');

  const forge = await startLocalForge({
    port,
    host: values.host,
    dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
    tokens,
    user: values.user ? { login: values.user } : undefined,
    log: values.quiet ? undefined : (line) => console.log(line),
  });
  for (const full of values.repo ?? []) {
    const [owner, name, ...rest] = full.split('/');
    if (!owner || !name || rest.length) throw new Error(`--repo must be OWNER/NAME, got ${full}`);
    await forge.createRepository(owner, name).catch((err: { status?: number }) => {
      if (err.status !== 422) throw err; // already there
    });
  }
  console.log(`Local forge: ${forge.url}  data: ${forge.dataDir}`);
  console.log(`  git clone ${forge.cloneUrl('<owner>', '<name>', '<token>')}`);

  stopOnSignals(() => forge.stop());
}

runCli(main);
