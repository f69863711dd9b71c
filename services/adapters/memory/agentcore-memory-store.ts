/**
 * MemoryStore on Amazon Bedrock AgentCore Memory. `write` records an episode as an event
 * (CreateEvent; actor = the repository, session = the task), which the memory's strategies turn
 * into long-term records asynchronously; `recall` is a semantic search of those records
 * (RetrieveMemoryRecords) in the repository's namespace, most relevant first, capped at
 * `maxTokens` (≤ MAX_MEMORY_TOKENS, ~4 characters per token).
 */
import { createHash } from 'node:crypto';
import { BedrockAgentCoreClient, CreateEventCommand, RetrieveMemoryRecordsCommand } from '@aws-sdk/client-bedrock-agentcore';
import { MAX_MEMORY_TOKENS, capToTokens, type MemoryEpisode, type MemoryItem, type MemoryStore, type RecallOptions } from '../../tasks/hydration/memory-store';

export interface AgentCoreMemoryStoreOptions {
  readonly client: Pick<BedrockAgentCoreClient, 'send'>;
  readonly memoryId: string;
  /** The namespace of a repository's records (default `/repos/<actorId>`, matching a strategy namespace `/repos/{actorId}`). */
  readonly namespaceOf?: (repo: string) => string;
  /** How many records to ask for (default 20). */
  readonly topK?: number;
}

/** AgentCore actor and session ids allow letters, digits, `-` and `_` (and `/` for actors is not safe everywhere). */
export function actorIdOf(repo: string): string {
  return repo.replace(/[^A-Za-z0-9_-]/g, '_');
}

export class AgentCoreMemoryStore implements MemoryStore {
  private readonly namespaceOf: (repo: string) => string;

  constructor(private readonly options: AgentCoreMemoryStoreOptions) {
    this.namespaceOf = options.namespaceOf ?? ((repo) => `/repos/${actorIdOf(repo)}`);
  }

  async write(episode: MemoryEpisode): Promise<void> {
    await this.options.client.send(
      new CreateEventCommand({
        memoryId: this.options.memoryId,
        actorId: actorIdOf(episode.repo),
        sessionId: actorIdOf(episode.taskId ?? episode.id),
        eventTimestamp: new Date(episode.createdAt),
        payload: [{ conversational: { role: 'OTHER', content: { text: episode.text } } }],
        // The episode id makes a retried write idempotent.
        clientToken: createHash('sha256').update(`${episode.repo}\u0000${episode.id}`).digest('hex'),
      }),
    );
  }

  async recall(repo: string, query: string, { maxTokens }: RecallOptions): Promise<MemoryItem[]> {
    const cap = Math.max(0, Math.min(maxTokens, MAX_MEMORY_TOKENS));
    if (cap === 0 || query.trim() === '') return [];
    const out = await this.options.client.send(
      new RetrieveMemoryRecordsCommand({
        memoryId: this.options.memoryId,
        namespace: this.namespaceOf(repo),
        searchCriteria: { searchQuery: query.slice(0, 10_000), topK: this.options.topK ?? 20 },
      }),
    );
    const items: MemoryItem[] = [];
    for (const r of out.memoryRecordSummaries ?? []) {
      const text = r.content && 'text' in r.content ? r.content.text : undefined;
      if (!text) continue;
      items.push({ id: r.memoryRecordId ?? '', text, createdAt: r.createdAt ? r.createdAt.toISOString() : '', score: r.score ?? 0 });
    }
    items.sort((a, b) => b.score - a.score);
    return capToTokens(items, cap);
  }
}
