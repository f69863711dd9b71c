/**
 * Replays: re-send the archived events whose ingestion time is in [EventStartTime, EventEndTime)
 * to the archive's bus, each with `replay-name` set, to all its rules or only to the rules in
 * Destination.FilterArns. The replay's state goes STARTING → RUNNING → COMPLETED (FAILED on an
 * error, CANCELLED after CancelReplay); progress shows in EventLastReplayedTime and in the local
 * EventsReplayed/EventsTotal. A replay interrupted by a stop is marked FAILED on the next start.
 */
import type { Activity } from './activity';
import type { ArchiveStore } from './archive';
import type { Dispatcher } from './delivery';
import type { Log } from './log';
import type { ReplayRecord } from './model';
import { nowSeconds, type ResourceStore } from './store';

export class ReplayRunner {
  private stopped = false;

  constructor(
    private readonly deps: { store: ResourceStore; archives: ArchiveStore; dispatcher: Dispatcher; activity: Activity; log: Log; busOfArn: (arn: string) => string | undefined },
  ) {}

  /** Marks replays a previous run left unfinished as FAILED. */
  async recover(): Promise<void> {
    let changed = false;
    for (const r of this.deps.store.replays.values()) {
      if (r.State === 'STARTING' || r.State === 'RUNNING' || r.State === 'CANCELLING') {
        r.State = r.State === 'CANCELLING' ? 'CANCELLED' : 'FAILED';
        r.StateReason = 'Interrupted: the local EventBridge stopped during the replay.';
        r.ReplayEndTime = nowSeconds();
        changed = true;
      }
    }
    if (changed) await this.deps.store.persist();
  }

  /** Runs a replay (already stored in STARTING state) in the background. */
  start(replay: ReplayRecord): void {
    void this.deps.activity.track(
      this.run(replay).catch(async (err: unknown) => {
        replay.State = 'FAILED';
        replay.StateReason = (err as Error)?.message ?? String(err);
        replay.ReplayEndTime = nowSeconds();
        this.deps.log('error', 'replay failed', { replay: replay.ReplayName, error: replay.StateReason });
        await this.deps.store.persist().catch(() => undefined);
      }),
    );
  }

  private async run(replay: ReplayRecord): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const { store, archives, dispatcher } = this.deps;
    const archiveName = [...store.archives.values()].find((a) => a.ArchiveArn === replay.EventSourceArn)?.ArchiveName;
    const archive = archiveName ? store.archives.get(archiveName) : undefined;
    if (!archive) throw new Error(`Archive ${replay.EventSourceArn} no longer exists.`);
    const bus = this.deps.busOfArn(replay.Destination.Arn);
    if (!bus || !store.buses.has(bus)) throw new Error(`Event bus ${replay.Destination.Arn} no longer exists.`);
    const lines = await archives.read(archive, replay.EventStartTime * 1000, replay.EventEndTime * 1000);
    if (replay.State === 'STARTING') replay.State = 'RUNNING';
    replay.EventsTotal = lines.length;
    replay.EventsReplayed = 0;
    await store.persist();
    const ruleArns = replay.Destination.FilterArns?.length ? new Set(replay.Destination.FilterArns) : undefined;
    for (const line of lines) {
      if (this.stopped) return;
      if (replay.State === 'CANCELLING') {
        replay.State = 'CANCELLED';
        replay.ReplayEndTime = nowSeconds();
        await store.persist();
        return;
      }
      const event = { ...line.event, 'replay-name': replay.ReplayName };
      await dispatcher.dispatch(bus, [{ event, ingestionTime: Date.now() }], { ruleArns });
      replay.EventsReplayed++;
      replay.EventLastReplayedTime = line.t / 1000;
    }
    replay.State = 'COMPLETED';
    replay.ReplayEndTime = nowSeconds();
    await store.persist();
  }

  stop(): void {
    this.stopped = true;
  }
}
