/**
 * Git's smart HTTP protocol through `git http-backend` (a CGI program): the request becomes its
 * environment and stdin, its stdout is a CGI response (headers, a blank line, the body), streamed
 * back as is. REMOTE_USER is set, which is what enables receive-pack (push) in http-backend.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface GitHttpOptions {
  /** The folder holding `<owner>/<name>.git`. */
  readonly projectRoot: string;
  /** `/<owner>/<name>.git/<info/refs | git-upload-pack | git-receive-pack>`. */
  readonly pathInfo: string;
  /** The authenticated user's login. */
  readonly remoteUser: string;
}

/** Serves one git request; resolves with http-backend's exit code once the response has ended. */
export function serveGitHttp(req: IncomingMessage, res: ServerResponse, options: GitHttpOptions): Promise<number | null> {
  const url = new URL(req.url ?? '/', 'http://forge.invalid');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    PATH_INFO: options.pathInfo,
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: options.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  if (req.headers['content-length'] !== undefined) env.CONTENT_LENGTH = req.headers['content-length'];
  const encoding = req.headers['content-encoding'];
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;

  return new Promise((resolve) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let head = Buffer.alloc(0);
    let headersSent = false;

    const fail = (message: string) => {
      if (!headersSent) {
        headersSent = true;
        res.writeHead(500, { 'content-type': 'text/plain' });
      }
      res.end(message);
    };

    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined); // http-backend may exit before reading everything (an error it reports itself)
    req.pipe(child.stdin);
    res.on('close', () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });

    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        if (!res.write(chunk)) {
          child.stdout.pause();
          res.once('drain', () => child.stdout.resume());
        }
        return;
      }
      head = Buffer.concat([head, chunk]);
      const parsed = parseCgiHead(head);
      if (!parsed) return;
      headersSent = true;
      res.writeHead(parsed.status, parsed.headers);
      if (parsed.body.length) res.write(parsed.body);
    });

    child.on('error', (err) => {
      fail(`git http-backend could not start: ${err.message}`);
      resolve(null);
    });
    child.on('close', (code) => {
      if (!headersSent) fail(`git http-backend failed: ${stderr.trim() || `exit code ${String(code)}`}`);
      else res.end();
      resolve(code);
    });
  });
}

interface CgiHead {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** The CGI header block at the start of `buf`, or null while it is incomplete. */
function parseCgiHead(buf: Buffer): CgiHead | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  let end: number;
  let sep: number;
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) [end, sep] = [crlf, 4];
  else if (lf >= 0) [end, sep] = [lf, 2];
  else return null;
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of buf.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers, body: buf.subarray(end + sep) };
}
