/**
 * Recording fakes of the agent's ports, for unit tests only: they keep every call for assertions.
 * Git, the file system and child processes are never faked (tests use real repositories).
 */
import type { FinalReport, ProgressEvent } from '../contracts';
import type { MemoryWriter, PullRequestInfo, PullRequestRequest, PullRequests, TaskEpisode, Telemetry } from '../ports';

/** Look-before-create by head branch, like the real one; `failNext` makes the next call throw. */
export class RecordingPullRequestsFake implements PullRequests {
  readonly calls: PullRequestRequest[] = [];
  readonly open = new Map<string, PullRequestInfo & { readonly request: PullRequestRequest }>();
  private failure: Error | undefined;
  private next = 1;

  failNext(error: Error): void {
    this.failure = error;
  }

  async ensure(request: PullRequestRequest): Promise<PullRequestInfo> {
    this.calls.push(request);
    if (this.failure) {
      const f = this.failure;
      this.failure = undefined;
      throw f;
    }
    const existing = this.open.get(`${request.repo}:${request.head}`);
    if (existing) return { number: existing.number, url: existing.url, created: false };
    const number = this.next++;
    const pr = { number, url: `https://forge.test/${request.repo}/pull/${number}`, request };
    this.open.set(`${request.repo}:${request.head}`, pr);
    return { number, url: pr.url, created: true };
  }
}

export class RecordingTelemetryFake implements Telemetry {
  readonly events: ProgressEvent[] = [];
  readonly reports: FinalReport[] = [];
  heartbeats = 0;
  closed = false;
  /** When set, finalReport rejects with it. */
  finalReportError: Error | undefined;

  progress(event: ProgressEvent): void {
    this.events.push(event);
  }
  heartbeat(): void {
    this.heartbeats += 1;
  }
  async finalReport(report: FinalReport): Promise<void> {
    this.reports.push(report);
    if (this.finalReportError) throw this.finalReportError;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  milestones(): string[] {
    return this.events.flatMap((e) => (e.kind === 'milestone' ? [e.name] : []));
  }
}

export class RecordingMemoryFake implements MemoryWriter {
  readonly episodes: TaskEpisode[] = [];
  failure: Error | undefined;
  async write(episode: TaskEpisode): Promise<void> {
    if (this.failure) throw this.failure;
    this.episodes.push(episode);
  }
}

/** A HarnessContext for harness tests, recording the progress events. */
export function recordingHarnessContext(
  workspace: string,
  payload: import('../contracts').SessionPayload,
  options: { prompt?: string; signal?: AbortSignal; nudges?: () => readonly string[] } = {},
): import('../contracts').HarnessContext & { readonly events: ProgressEvent[] } {
  const events: ProgressEvent[] = [];
  return {
    workspace,
    prompt: options.prompt ?? 'Fix the greeting.',
    payload,
    signal: options.signal ?? new AbortController().signal,
    progress: (e) => events.push(e),
    nudges: options.nudges ?? (() => []),
    events,
  };
}
