/**
 * The durable definitions: buses, rules and their targets, archives, replays, connections and API
 * destinations. Reads are from memory; every change is written to `<dataDir>/state.json`
 * (atomically) before the API call that made it returns. Without a dataDir nothing is written.
 */
import path from 'node:path';
import { busArn, DEFAULT_BUS, type Scope } from './arns';
import type { ApiDestinationRecord, ArchiveRecord, BusRecord, ConnectionRecord, ReplayRecord, RuleRecord, StateSnapshot, TargetRecord } from './model';
import { JsonDocument } from './persistence';

export const nowSeconds = () => Date.now() / 1000;

const ruleKey = (bus: string, rule: string) => `${bus}\u0000${rule}`;

export class ResourceStore {
  readonly buses = new Map<string, BusRecord>();
  /** Keyed by bus and rule name. */
  private readonly rules = new Map<string, RuleRecord>();
  private readonly targets = new Map<string, TargetRecord[]>();
  readonly archives = new Map<string, ArchiveRecord>();
  readonly replays = new Map<string, ReplayRecord>();
  readonly connections = new Map<string, ConnectionRecord>();
  readonly apiDestinations = new Map<string, ApiDestinationRecord>();
  private readonly doc: JsonDocument<StateSnapshot> | undefined;

  constructor(
    readonly scope: Scope,
    dataDir: string | undefined,
  ) {
    this.doc = dataDir ? new JsonDocument<StateSnapshot>(path.join(dataDir, 'state.json')) : undefined;
    const snapshot = this.doc?.read();
    if (snapshot) this.load(snapshot);
    if (!this.buses.has(DEFAULT_BUS)) {
      const t = nowSeconds();
      this.buses.set(DEFAULT_BUS, { Name: DEFAULT_BUS, Arn: busArn(scope, DEFAULT_BUS), CreationTime: t, LastModifiedTime: t });
    }
  }

  private load(s: StateSnapshot): void {
    if (s.version !== 1) throw new Error(`Unknown local EventBridge state version ${String(s.version)}`);
    for (const b of s.buses) this.buses.set(b.Name, b);
    for (const r of s.rules) this.rules.set(ruleKey(r.EventBusName, r.Name), r);
    for (const [k, ts] of Object.entries(s.targets)) this.targets.set(k, ts);
    for (const a of s.archives) this.archives.set(a.ArchiveName, a);
    for (const r of s.replays) this.replays.set(r.ReplayName, r);
    for (const c of s.connections) this.connections.set(c.Name, c);
    for (const d of s.apiDestinations) this.apiDestinations.set(d.Name, d);
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      buses: [...this.buses.values()],
      rules: [...this.rules.values()],
      targets: Object.fromEntries(this.targets),
      archives: [...this.archives.values()],
      replays: [...this.replays.values()],
      connections: [...this.connections.values()],
      apiDestinations: [...this.apiDestinations.values()],
    };
  }

  /** Writes the current definitions (no-op in memory mode). */
  async persist(): Promise<void> {
    await this.doc?.save(this.snapshot());
  }

  async flush(): Promise<void> {
    await this.doc?.flush();
  }

  // Rules and targets.

  getRule(bus: string, name: string): RuleRecord | undefined {
    return this.rules.get(ruleKey(bus, name));
  }

  putRule(rule: RuleRecord): void {
    this.rules.set(ruleKey(rule.EventBusName, rule.Name), rule);
  }

  deleteRule(bus: string, name: string): void {
    this.rules.delete(ruleKey(bus, name));
    this.targets.delete(ruleKey(bus, name));
  }

  /** Rules of a bus, sorted by name (ListRules' order). */
  rulesOf(bus: string): RuleRecord[] {
    return [...this.rules.values()].filter((r) => r.EventBusName === bus).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  }

  allRules(): RuleRecord[] {
    return [...this.rules.values()];
  }

  targetsOf(bus: string, rule: string): TargetRecord[] {
    return this.targets.get(ruleKey(bus, rule)) ?? [];
  }

  setTargets(bus: string, rule: string, targets: TargetRecord[]): void {
    if (targets.length) this.targets.set(ruleKey(bus, rule), targets);
    else this.targets.delete(ruleKey(bus, rule));
  }
}
