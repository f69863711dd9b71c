/**
 * Real agent sessions on one machine: the local forge serves the repositories (GitHub's API and
 * git over HTTP), the local compute runs `agent/main.ts` in a sandboxed child process per session,
 * and the agent streams telemetry to the platform's Kinesis. Built from the platform's endpoints;
 * the services only see the ComputeStrategy and GitProvider ports.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { HarnessSpec, SessionPayload } from '../../schemas/agent/contracts';
import { LocalCompute } from '../../services/adapters/compute/local-compute';
import { GitHubClient } from '../../services/adapters/git/octokit-git-provider';
import type { Ports } from '../../services/ports/ports';
import type { SessionInput } from '../../services/ports/compute';
import { loadRepoConfig } from '../../services/repos/repo/load-repo-config';
import { DEFAULT_REPO_CONFIG } from '../../services/repos/repo/repo-config';
import { heartbeatSecondsFor } from '../../services/tasks/session/heartbeat';
import { recordSessionReport } from '../../services/tasks/session-monitor/session-report';
import { createLogger } from '../../services/kernel/logger';
import { nudgeInboxRef } from '../../services/tasks/nudge-delivery/inbox';
import { startLocalForge, type LocalForge } from '../forge/server';

export interface AgentComputeOptions {
  readonly dataDir: string;
  readonly harness: HarnessSpec;
  /**
   * The harness of a repository's sessions when it is not `harness` (e.g. a demo repository that
   * always replays a recorded trajectory); undefined: `harness`. Asked once per session.
   */
  readonly harnessFor?: (repo: string) => HarnessSpec | undefined;
  /** The token agents (and the platform) use with the forge. Default: a fresh random one per start. */
  readonly forgeToken?: string;
  readonly kinesisUrl: string;
  readonly telemetryStream: string;
  readonly forgePort?: number;
  /** Grace after a stop for the agent's safety-net push (default 30 s). */
  readonly stopGraceMs?: number;
  /** After an agent exits, how long its final report may take to arrive before it counts as missing. */
  readonly reportGraceMs?: number;
  readonly heartbeatSeconds?: number;
  /** Folders the sandboxed agent may read besides its workspace (the blob store, for prompts and trajectories). */
  readonly readOnlyPaths?: readonly string[];
  /** Variables the agent gets on purpose (model provider credentials such as ANTHROPIC_API_KEY); nothing else of the platform's. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface AgentCompute {
  readonly forge: LocalForge;
  readonly forgeToken: string;
  readonly compute: LocalCompute;
  readonly git: GitHubClient;
  /** Connects the exit hook to the services (the report path needs deps that include this compute). */
  attach(ports: AttachedPorts): void;
  /**
   * The session monitor's `caughtUp` (resolves once it has read the telemetry stream to its end): an
   * exited agent's report counts as missing only after that, not after a fixed wait alone.
   */
  watchReports(caughtUp: () => Promise<void>): void;
  stop(): Promise<void>;
}

/** What the exit hook and the session payload read (the platform's ports). */
type AttachedPorts = Pick<Ports, 'store' | 'now' | 'blobs'>;

const ROOT = path.join(__dirname, '..', '..');

export async function startAgentCompute(options: AgentComputeOptions): Promise<AgentCompute> {
  const forgeToken = options.forgeToken ?? `abca_forge_${randomBytes(16).toString('hex')}`;
  const forge = await startLocalForge({ port: options.forgePort ?? 0, dataDir: path.join(options.dataDir, 'forge'), tokens: [forgeToken] });
  const git = new GitHubClient({ token: forgeToken, baseUrl: forge.apiUrl, pacingGroup: `forge-${forge.port}` });
  let deps: AttachedPorts | undefined;
  const logger = createLogger('local-compute');
  let reportsCaughtUp: (() => Promise<void>) | undefined;

  const payload = async (input: SessionInput): Promise<SessionPayload> => {
    const [owner, name] = input.repo.split('/') as [string, string];
    const config = deps ? await loadRepoConfig(deps.store, input.repo) : undefined;
    return {
      ...input,
      cloneUrl: forge.cloneUrl(owner, name),
      gitApiUrl: forge.apiUrl,
      harness: options.harnessFor?.(input.repo) ?? options.harness,
      verify: config?.verify ?? { build: [], test: [], lint: [], gating: 'informational' },
      telemetry: { streamName: options.telemetryStream, endpoint: options.kinesisUrl, region: 'us-east-1' },
      // Consistent with the watchdog's threshold for this repository (services/tasks/session/heartbeat.ts).
      heartbeatSeconds: options.heartbeatSeconds ?? heartbeatSecondsFor((config ?? DEFAULT_REPO_CONFIG).session.heartbeatTimeoutSeconds),
      // The task's nudge inbox in the platform's blob store, which the sandbox binds read-only
      // (readOnlyPaths): the agent reads nudges there as the nudge-delivery service writes them.
      ...(deps ? { nudgesRef: nudgeInboxRef(deps.blobs, input.taskId) } : {}),
    };
  };

  const compute = new LocalCompute({
    baseDir: path.join(options.dataDir, 'sessions'),
    repoRoot: ROOT,
    payload,
    // The agent gets the forge token to clone and push; nothing else of the platform's.
    env: { ...options.env, ABCA_GIT_TOKEN: forgeToken },
    stopGraceMs: options.stopGraceMs,
    readOnlyPaths: options.readOnlyPaths,
    onExit: (exit) => {
      // An agent that exited without a final report: once its report could have arrived, record
      // the session as ended without one (a report that did arrive makes this a no-op). "Could have
      // arrived" is the grace AND the session monitor having read the telemetry stream to its end:
      // the agent delivers its report before it exits, but on a loaded machine the monitor may be
      // further behind than any fixed grace, and a no_report recorded first would shadow the report.
      setTimeout(() => {
        void (reportsCaughtUp?.() ?? Promise.resolve()).then(() => {
          if (!deps) return;
          return recordSessionReport(deps, {
            taskId: exit.taskId,
            sessionId: exit.sessionId,
            outcome: 'no_report',
            error: `the agent exited (${exit.signal ?? `code ${exit.exitCode}`}) without a final report; its log: ${exit.logFile}`,
            turns: 0,
            costUsd: 0,
            commits: 0,
            prUrl: null,
            prNumber: null,
            buildPassed: null,
            lintPassed: null,
          }, { causationId: `exit:${exit.sessionId}`, logger });
        }).catch((err: Error) => logger.warn('could not record the missing report', { error: err.message }));
      }, options.reportGraceMs ?? 10_000).unref();
    },
  });

  return {
    forge,
    forgeToken,
    compute,
    git,
    attach(d) {
      deps = d;
    },
    watchReports(caughtUp) {
      reportsCaughtUp = caughtUp;
    },
    async stop() {
      await forge.stop();
    },
  };
}
