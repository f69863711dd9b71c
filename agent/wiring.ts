/**
 * The real adapters of a session, from its payload and the agent's environment:
 *
 * | port         | adapter                                                                          |
 * |--------------|----------------------------------------------------------------------------------|
 * | Telemetry    | the Kinesis publisher (payload.telemetry; kinesalite when it names an endpoint),  |
 * |              | or a JSONL file when ABCA_TELEMETRY_FILE is set (development, tests)              |
 * | PullRequests | the GitHub client over octokit (payload.gitApiUrl: GitHub or the local forge)      |
 * | MemoryWriter | a JSONL folder when ABCA_MEMORY_DIR is set, else nothing is kept                  |
 * | BlobReader   | by the reference's scheme: file:// from disk, s3:// with GetObject                |
 * | NudgeInbox   | payload.nudgesRef: a folder (file://) or an S3 prefix polled in the background    |
 * |              | (s3://); none without one                                                         |
 * | AgentHarness | payload.harness (harness/index.ts)                                                |
 *
 * The git token comes from ABCA_GIT_TOKEN (or GITHUB_TOKEN), which the compute passes explicitly, or
 * from the Secrets Manager secret the payload names (AgentCore: adapters/git-token.ts); it is
 * used for git over HTTP and the REST API and never reaches the harness.
 *
 * S3 (s3:// prompts, trajectories, nudge inboxes) is reached with the sandbox's own credentials
 * (the default chain: the AgentCore / ECS task role), in the region of payload.telemetry.region,
 * else AWS_REGION; AWS_ENDPOINT_URL_S3 points it at an S3-compatible server (path-style). The S3
 * client is built on first use, so a file:// session never loads it.
 */
import { GitHubClient } from '../services/adapters/git/octokit-git-provider';
import type { AgentHarness, SessionPayload } from './contracts';
import type { S3Sender } from '../services/adapters/s3/s3-objects';
import { isS3Ref } from '../services/adapters/s3/s3-ref';
import { SchemeBlobReader } from './adapters/blob-reader';
import { FileMemoryWriter, NoMemory } from './adapters/file-memory';
import { FileNudgeInbox, NoNudges } from './adapters/file-nudge-inbox';
import { FileTelemetry } from './adapters/file-telemetry';
import { createHarness } from './harness/index';
import { regionOfArn, resolveGitToken, type SecretRead } from './adapters/git-token';
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

/** Secrets Manager reads for the git token, on a client in the secret's own region (loaded only when used). */
function secretsManagerRead(env: NodeJS.ProcessEnv): SecretRead {
  return (arn) => {
    // require, not import(): the agent runs under `--require tsx/cjs`, which compiles required .ts only.
    const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
    const { cachedSecretReader } = require('../services/adapters/secrets/secrets-manager-reader') as typeof import('../services/adapters/secrets/secrets-manager-reader');
    const region = regionOfArn(arn) ?? env.AWS_REGION;
    const client = new SecretsManagerClient({ ...(region ? { region } : {}), ...(env.AWS_ENDPOINT_URL_SECRETS_MANAGER ? { endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER } : {}) });
    return cachedSecretReader({ client })(arn).finally(() => client.destroy());
  };
}

export async function buildAdapters(payload: SessionPayload, env: NodeJS.ProcessEnv, log: Log): Promise<AgentAdapters> {
  const gitToken = await resolveGitToken(payload, env, () => secretsManagerRead(env));
  const s3 = sessionS3Client(payload, env);
  const blobs = new SchemeBlobReader(() => {
    const { S3BlobReader } = require('./adapters/s3-blob-reader') as typeof import('./adapters/s3-blob-reader');
    return new S3BlobReader(s3());
  });
  return {
    telemetry: await telemetryFor(payload, env),
    pullRequests: new GitHubPullRequests(gitHubClientFor(payload.gitApiUrl, gitToken, log)),
    memory: env.ABCA_MEMORY_DIR ? new FileMemoryWriter(env.ABCA_MEMORY_DIR) : new NoMemory(),
    blobs,
    nudges: nudgeInboxFor(payload, log, s3),
    harness: createHarness(payload.harness, { blobs, claude: { stderr: (line) => log('debug', `claude: ${line}`) } }),
    gitToken,
  };
}

/**
 * The session's nudge inbox: a folder (file://) or an S3 prefix (s3://, polled in the background
 * with `s3()`). An inbox the agent cannot read turns nudges off with a warning instead of failing
 * the session: the task can still be done without them.
 */
export function nudgeInboxFor(payload: Pick<SessionPayload, 'nudgesRef'>, log: Log, s3: () => S3Sender = noS3): NudgeInbox {
  if (payload.nudgesRef === undefined) return new NoNudges();
  const warn = (message: string) => log('warn', message);
  try {
    if (isS3Ref(payload.nudgesRef)) {
      const { S3NudgeInbox } = require('./adapters/s3-nudge-inbox') as typeof import('./adapters/s3-nudge-inbox');
      return new S3NudgeInbox(payload.nudgesRef, { client: s3(), warn });
    }
    return new FileNudgeInbox(payload.nudgesRef, { warn });
  } catch (err) {
    log('warn', `nudges are off for this session: ${errorMessage(err)}`);
    return new NoNudges();
  }
}

/**
 * The session's S3 client, built on the first call (and only then is the S3 SDK loaded): region
 * from the payload (the platform's region), else AWS_REGION; AWS_ENDPOINT_URL_S3 for a local
 * S3-compatible server.
 */
function sessionS3Client(payload: Pick<SessionPayload, 'telemetry'>, env: NodeJS.ProcessEnv): () => S3Sender {
  let client: S3Sender | undefined;
  return () => {
    if (!client) {
      // require, not import(): the agent runs under `--require tsx/cjs`, which compiles required .ts only.
      const { s3Client } = require('../services/adapters/s3/s3-client') as typeof import('../services/adapters/s3/s3-client');
      const region = payload.telemetry?.region || env.AWS_REGION || undefined;
      client = s3Client({ ...(region ? { region } : {}), ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}) });
    }
    return client;
  };
}

const noS3 = (): S3Sender => {
  throw new Error('no S3 client was given for s3:// references');
};

async function telemetryFor(payload: SessionPayload, env: NodeJS.ProcessEnv): Promise<Telemetry> {
  if (env.ABCA_TELEMETRY_FILE) return new FileTelemetry(env.ABCA_TELEMETRY_FILE, { taskId: payload.taskId, sessionId: payload.sessionId });
  // Loaded here so that a session with file telemetry does not load the AWS SDK. run-session drives
  // the heartbeats (payload.heartbeatSeconds), so the publisher's own timer is off.
  // require, not import(): the agent runs under `--require tsx/cjs`, which compiles required .ts only.
  const { publisherForSession } = require('./telemetry/telemetry-publisher') as typeof import('./telemetry/telemetry-publisher');
  return publisherForSession(payload, { heartbeatSeconds: 0 });
}

/** What the agent needs of services/adapters/git's GitHubClient. */
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
