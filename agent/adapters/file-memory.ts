/**
 * MemoryWriter into a folder: one JSON Lines file per repository (`<owner>__<name>.jsonl`), one
 * TaskEpisode per line. The local stand-in for the memory store until the real one exists; chosen
 * by ABCA_MEMORY_DIR (agent/wiring.ts). NoMemory keeps nothing.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MemoryWriter, TaskEpisode } from '../ports';

export class FileMemoryWriter implements MemoryWriter {
  constructor(readonly dir: string) {}

  fileFor(repo: string): string {
    return path.join(this.dir, `${repo.replace(/[^A-Za-z0-9._-]+/g, '__')}.jsonl`);
  }

  async write(episode: TaskEpisode): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.fileFor(episode.repo), `${JSON.stringify(episode)}\n`);
  }
}

export class NoMemory implements MemoryWriter {
  async write(): Promise<void> {}
}
