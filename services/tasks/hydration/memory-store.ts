/**
 * MemoryStore: what the platform remembers about a repository across tasks (episodes: what a task
 * learned, what worked, what failed). Hydration recalls the items most relevant to a task, capped
 * at `maxTokens` (≤ MAX_MEMORY_TOKENS); the memory service (services/repos/memory) writes an episode when a task ends.
 * Adapters: DynamoDB (services/adapters/memory/dynamo-memory-store.ts, local relevance ranking).
 */
export interface MemoryEpisode {
  readonly id: string;
  /** owner/name */
  readonly repo: string;
  readonly taskId?: string;
  /** ISO-8601 */
  readonly createdAt: string;
  readonly text: string;
}

export interface MemoryItem {
  readonly id: string;
  readonly text: string;
  readonly createdAt: string;
  /** Relevance to the query (higher is more relevant; adapter-specific scale). */
  readonly score: number;
}

export interface RecallOptions {
  /** The most the returned items may take together (estimated at ~4 characters per token). */
  readonly maxTokens: number;
}

export interface MemoryStore {
  /** The most relevant items first, together within `maxTokens`. */
  recall(repo: string, query: string, options: RecallOptions): Promise<MemoryItem[]>;
  write(episode: MemoryEpisode): Promise<void>;
}

/** The most tokens memory may take in a prompt. */
export const MAX_MEMORY_TOKENS = 2_000;

let stopwords: ReadonlySet<string> | undefined;
/** Made on first use: a module-level Set would keep this module in bundles that never recall memory. */
const STOPWORDS = (): ReadonlySet<string> =>
  (stopwords ??= new Set('a an and are as at be but by for from has have if in into is it its of on or that the this to was were will with not no do does we you i our'.split(' ')));

/** Lowercased words of 2+ characters, without common stopwords. */
export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9_]+/g) ?? []).filter((w) => w.length > 1 && !STOPWORDS().has(w));
}

/**
 * Ranks `items` against `query`: a tf-idf-ish term overlap (idf over the candidate set) plus a
 * recency bonus (up to +1 for the newest, decaying with a half-life of `halfLifeDays`), most relevant first.
 * Items with no overlapping term are kept only when the query has no terms.
 */
export function rankByRelevance<T extends { readonly text: string; readonly createdAt: string }>(
  items: readonly T[],
  query: string,
  now: Date,
  halfLifeDays = 30,
): Array<T & { readonly score: number }> {
  const queryTerms = new Set(terms(query));
  const docs = items.map((item) => ({ item, words: terms(item.text) }));
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d.words)) df.set(w, (df.get(w) ?? 0) + 1);
  const n = docs.length;
  const scored = docs.map(({ item, words }) => {
    let overlap = 0;
    if (words.length > 0) {
      const tf = new Map<string, number>();
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const q of queryTerms) {
        const f = tf.get(q);
        if (f) overlap += (1 + Math.log(f)) * Math.log(1 + n / (df.get(q) ?? 1));
      }
      overlap /= Math.sqrt(words.length);
    }
    const ageDays = Math.max(0, (now.getTime() - Date.parse(item.createdAt)) / 86_400_000);
    const recency = Number.isFinite(ageDays) ? Math.pow(0.5, ageDays / halfLifeDays) : 0;
    return { item, overlap, score: overlap + recency };
  });
  return scored
    .filter((s) => queryTerms.size === 0 || s.overlap > 0)
    .sort((a, b) => b.score - a.score || b.item.createdAt.localeCompare(a.item.createdAt))
    .map((s) => ({ ...s.item, score: s.score }));
}

/** The leading items that fit `maxTokens` together (~4 characters per token); skips single items too big to fit. */
export function capToTokens<T extends { readonly text: string }>(items: readonly T[], maxTokens: number): T[] {
  const out: T[] = [];
  let used = 0;
  for (const item of items) {
    const cost = Math.ceil(item.text.length / 4);
    if (used + cost > maxTokens) continue;
    out.push(item);
    used += cost;
  }
  return out;
}
