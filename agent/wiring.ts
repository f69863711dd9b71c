/**
 * The real adapters of a session, from its payload and the agent's environment:
 *
 * | port         | adapter                                                                          |
 * |--------------|----------------------------------------------------------------------------------|
 * | Telemetry    | the Kinesis publisher (payload.telemetry; kinesalite when it names an endpoint),  |
 * |              | or a JSONL file when ABCA_TELEMETRY_FILE is set (development, tests)              |
 * | PullRequests | the GitHub client over octokit (payload.gitApiUrl: GitHub or the local forge)      |
 * | MemoryWriter | a JSONL folder when ABCA_MEMORY_DIR is set, else nothing is kept                  |
 * | BlobReader   | file:// (s3:// — TODO: the S3 BlobStore)                                          |
 * | NudgeInbox   | the folder of payload.nudgesRef (file://); none without one, or for s3:// (TODO)  |
 * | AgentHarness | payload.harness (harness/index.ts)                                                |
 *
 * The git token comes from ABCA_GIT_TOKEN (or GITHUB_TOKEN): the compute passes it explicitly; it is
 * used for git over HTTP and the REST API and never reaches the harness.
 */
import { GitHubClient } from '../services/adapters/github/octokit-git-provider';
import type { AgentHarness, SessionPayload } from './contracts';
import { FileBlobReader } from './adapters/blob-reader';
import { FileMemoryWriter, NoMemory } from './adapters/file-memory';
import { FileNudgeInbox, NoNudges } from './adapters/file-nudge-inbox';
import { FileTelemetry } from './adapters/file-telemetry';
import { createHarness } from './harness/index';
import type { BlobReader, MemoryWriter, NudgeInbox, PullRequestInfo, PullRequestRequest, PullRequests, Telemetry } from './ports';
import { errorMessage, type Log } from './runtime/log';

export interface AgentAdapters {
  readonly telemetry: Telemetry;
  readonly pullRequests: PullRequests;
  readonly memory: MemoryWriter;
  readonly blobs: BlobReader;
  readonly nudges: NudgeInbox;
  readonly harness: AgentHarness;
  readonly gitToken: string | undefined;
}

export function gitTokenFrom(env: NodeJS.ProcessEnv): string | undefined {
  return env.ABCA_GIT_TOKEN || env.GITHUB_TOKEN || undefined;
}

export async function buildAdapters(payload: SessionPayload, env: NodeJS.ProcessEnv, log: Log): Promise<AgentAdapters> {
  const gitToken = gitTokenFrom(env);
  const blobs = new FileBlobReader();
  return {
    telemetry: await telemetryFor(payload, env),
    pullRequests: new GitHubPullRequests(gitHubClientFor(payload.gitApiUrl, gitToken, log)),
    memory: env.ABCA_MEMORY_DIR ? new FileMemoryWriter(env.ABCA_MEMORY_DIR) : new NoMemory(),
    blobs,
    nudges: nudgeInboxFor(payload, log),
    harness: createHarness(payload.harness, { blobs, claude: { stderr: (line) => log('debug', `claude: ${line}`) } }),
    gitToken,
  };
}

/**
 * The session's nudge inbox. An inbox the agent cannot read (s3:// for now) turns nudges off with a
 * warning instead of failing the session: the task can still be done without them.
 */
export function nudgeInboxFor(payload: Pick<SessionPayload, 'nudgesRef'>, log: Log): NudgeInbox {
  if (payload.nudgesRef === undefined) return new NoNudges();
  try {
    return new FileNudgeInbox(payload.nudgesRef, { warn: (message) => log('warn', message) });
  } catch (err) {
    log('warn', `nudges are off for this session: ${errorMessage(err)}`);
    return new NoNudges();
  }
}

async function telemetryFor(payload: SessionPayload, env: NodeJS.ProcessEnv): Promise<Telemetry> {
  if (env.ABCA_TELEMETRY_FILE) return new FileTelemetry(env.ABCA_TELEMETRY_FILE, { taskId: payload.taskId, sessionId: payload.sessionId });
  // Loaded here so that a session with file telemetry does not load the AWS SDK. run-session drives
  // the heartbeats (payload.heartbeatSeconds), so the publisher's own timer is off.
  // require, not import(): the agent runs under `--require tsx/cjs`, which compiles required .ts only.
  const { publisherForSession } = require('./telemetry/telemetry-publisher') as typeof import('./telemetry/telemetry-publisher');
  return publisherForSession(payload, { heartbeatSeconds: 0 });
}

/** What the agent needs of services/adapters/github's GitHubClient. */
export type PullRequestClient = Pick<GitHubClient, 'ensurePullRequest'>;

/**
 * PullRequests over the GitHub client (@octokit/rest; GitHub, or the local forge with `baseUrl` =
 * its apiUrl): `ensurePullRequest` looks for a pull request of the head branch (any state) before
 * creating one, and a lost creation race returns the winner's.
 */
export class GitHubPullRequests implements PullRequests {
  constructor(private readonly client: PullRequestClient | null) {}

  async ensure(request: PullRequestRequest): Promise<PullRequestInfo> {
    if (!this.client) throw new Error('no git token: set ABCA_GIT_TOKEN so the agent can open the pull request');
    const pr = await this.client.ensurePullRequest({ repo: request.repo, head: request.head, base: request.base, title: request.title, body: request.body });
    return { number: pr.number, url: pr.url, created: pr.created };
  }
}

/** The GitHub client of a session (null without a token: the REST API needs one). */
export function gitHubClientFor(apiUrl: string, token: string | undefined, log: Log): GitHubClient | null {
  if (!token) return null;
  return new GitHubClient({ token, baseUrl: apiUrl, log: { warn: (message, details) => log('warn', message, details) } });
}
