/**
 * The local forge: a GitHub-compatible HTTP server for one machine. It speaks the subset of
 * GitHub's REST API the platform uses (repositories, issues, comments, pull requests, branches,
 * comparisons) and git's smart HTTP protocol (clone, fetch, push through `git http-backend`), with
 * token authentication as GitHub accepts it. The same octokit code runs against it with only
 * `baseUrl` changed.
 *
 *   const forge = await startLocalForge({ port: 0, dataDir: '.abca/forge', tokens: ['secret'] });
 *   await forge.createRepository('acme', 'app', { files: { 'README.md': '# app\n' } });
 *   // git clone http://x-access-token:secret@127.0.0.1:<port>/acme/app.git
 *   new Octokit({ auth: 'secret', baseUrl: forge.apiUrl });
 *
 * Any valid token may read and write every repository (one tenant). Metadata is in
 * `<dataDir>/forge.json`, repositories in `<dataDir>/git/<owner>/<name>.git`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { authenticate, tokenResolver, type TokenResolver } from './auth';
import { Faults, type Fault } from './faults';
import { Forge, type CreateRepositoryOptions } from './forge';
import { serveGitHttp } from './git-http-backend';
import { ApiError, notFound, readJson, sendError, sendJson } from './http';
import type { ForgeUser } from './model';
import { renderIssue } from './render-issue';
import { ROUTES } from './routes';
import { matchRoute } from './routes/router';


export interface LocalForgeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Where repositories and metadata live (created when missing). */
  readonly dataDir: string;
  /** Accepted tokens (each acting as `user`), or a resolver from token to user. */
  readonly tokens: readonly string[] | TokenResolver;
  /** The user a token of a plain token list acts as (default `abca-agent`). */
  readonly user?: ForgeUser;
  /** One line per request and per server error (default: nothing). */
  readonly log?: (line: string) => void;
}

interface ForgeRepository {
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string;
  readonly cloneUrl: string;
  readonly htmlUrl: string;
}

interface ForgeIssueInput {
  readonly title: string;
  readonly body?: string | null;
  /** Author login (default: the repository's owner). */
  readonly user?: string;
  readonly comments?: ReadonlyArray<{ readonly body: string; readonly user?: string }>;
}

export interface LocalForge {
  /** `http://host:port`: the git remote base and the web base. */
  readonly url: string;
  /** The REST API base (octokit `baseUrl`); the same as `url`. */
  readonly apiUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** `http://host:port/owner/name.git`, with `x-access-token:<token>@` when a token is given. */
  cloneUrl(owner: string, name: string, token?: string): string;
  /** Creates a repository; with `files` (or by default a README.md) an initial commit on its default branch. */
  createRepository(owner: string, name: string, options?: CreateRepositoryOptions): Promise<ForgeRepository>;
  /** Opens an issue (and its comments) as given users, for tests and demos. */
  createIssue(owner: string, name: string, input: ForgeIssueInput): Promise<{ readonly number: number; readonly htmlUrl: string }>;
  /** Makes matching requests fail (tests). */
  injectFault(fault: Fault): void;
  /** Requests answered with an injected fault so far. */
  readonly faultsInjected: number;
  stop(): Promise<void>;
}

/** `/owner/name(.git)/<git endpoint>` */
const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export async function startLocalForge(options: LocalForgeOptions): Promise<LocalForge> {
  const dataDir = path.resolve(options.dataDir);
  const resolveToken = tokenResolver(options.tokens, options.user);
  const faults = new Faults();
  const log = options.log ?? (() => undefined);
  const site = { base: '' };
  const forge = new Forge(dataDir, site);

  const server = createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
    handle(req, res).catch((err: Error) => {
      log(`error ${req.method} ${req.url}: ${err.stack ?? err.message}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'Server Error', documentation_url: 'https://docs.github.com/rest' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', site.base);
    const fault = faults.take(method, url.pathname);
    if (fault) {
      req.resume();
      return sendJson(res, fault.status, fault.body ?? { message: `Injected fault ${fault.status}` }, { ...fault.headers });
    }
    const gitPath = GIT_PATH.exec(url.pathname);
    if (gitPath) return handleGit(req, res, gitPath[1]!, gitPath[2]!, gitPath[3]!);

    const auth = authenticate(req, resolveToken);
    if (!auth.ok) {
      req.resume();
      return sendError(res, new ApiError(401, auth.message));
    }
    const user = forge.user(auth.user);
    try {
      const match = matchRoute(ROUTES, method, url.pathname);
      if (!match) throw notFound();
      const result = await match.route.handler({ forge, params: match.params, url, user, body: () => readJson(req) });
      req.resume();
      sendJson(res, result.status, result.body, result.headers);
    } catch (err) {
      req.resume();
      if (err instanceof ApiError) return sendError(res, err);
      throw err;
    }
  }

  async function handleGit(req: IncomingMessage, res: ServerResponse, owner: string, name: string, endpoint: string): Promise<void> {
    const auth = authenticate(req, resolveToken);
    if (!auth.ok) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      return void res.end(`${auth.message}\n`);
    }
    const repo = forge.store.repo(owner, name);
    if (!repo) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('Repository not found.\n');
    }
    const code = await serveGitHttp(req, res, { projectRoot: forge.projectRoot, pathInfo: `/${repo.owner}/${repo.name}.git/${endpoint}`, remoteUser: forge.user(auth.user).login });
    if (endpoint === 'git-receive-pack' && req.method === 'POST' && code === 0) forge.pushed(repo);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  site.base = url;

  const describe = (owner: string, name: string): ForgeRepository => {
    const repo = forge.repo(owner, name);
    return {
      owner: repo.owner,
      name: repo.name,
      fullName: `${repo.owner}/${repo.name}`,
      defaultBranch: repo.defaultBranch,
      cloneUrl: `${url}/${repo.owner}/${repo.name}.git`,
      htmlUrl: `${url}/${repo.owner}/${repo.name}`,
    };
  };

  return {
    url,
    apiUrl: url,
    port,
    dataDir,
    cloneUrl: (owner, name, token) => (token ? `http://x-access-token:${encodeURIComponent(token)}@${url.slice('http://'.length)}` : url) + `/${owner}/${name}.git`,
    async createRepository(owner, name, repoOptions = {}) {
      await forge.createRepository(owner, name, { ...repoOptions, files: repoOptions.files ?? { 'README.md': `# ${name}\n` } });
      return describe(owner, name);
    },
    async createIssue(owner, name, input) {
      const repo = forge.repo(owner, name);
      const issue = forge.createIssue(repo, { title: input.title, body: input.body ?? null, user: forge.user(input.user ?? repo.owner).login });
      for (const c of input.comments ?? []) forge.addComment(repo, issue, { body: c.body, user: forge.user(c.user ?? repo.owner).login });
      return { number: issue.number, htmlUrl: renderIssue(forge, repo, issue).html_url as string };
    },
    injectFault: (fault) => faults.add(fault),
    get faultsInjected() {
      return faults.injected;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
