import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SessionPayload } from '../contracts';
import { GitHubPullRequests, buildAdapters } from '../wiring';
import { FileBlobReader, SchemeBlobReader, UnsupportedRefError } from './blob-reader';
import { FileMemoryWriter } from './file-memory';
import { FileTelemetry, readTelemetryFile } from './file-telemetry';
import { ReplayHarness } from '../harness/replay';
import { silentLog } from '../runtime/log';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'agent-adapters-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ids = { taskId: 'T1', sessionId: 'S1' };
const report = { outcome: 'success', error: null, turns: 1, costUsd: 0, commits: 1, prUrl: null, prNumber: null, buildPassed: null, lintPassed: null } as const;

describe('FileTelemetry', () => {
  it('writes TelemetryRecords with a gapless seq, one per line', async () => {
    const file = path.join(dir, 'sub', 't.jsonl');
    const t = new FileTelemetry(file, ids);
    t.heartbeat();
    t.progress({ kind: 'milestone', name: 'cloned' });
    await t.finalReport(report);
    await t.close();
    const records = readTelemetryFile(readFileSync(file, 'utf8'));
    expect(records.map((r) => [r.type, r.seq, r.taskId, r.sessionId])).toEqual([
      ['heartbeat', 1, 'T1', 'S1'],
      ['progress', 2, 'T1', 'S1'],
      ['final_report', 3, 'T1', 'S1'],
    ]);
    expect(records[2]).toMatchObject({ report });
  });

  it('rejects a final report it cannot write, and never throws for progress', async () => {
    const t = new FileTelemetry(path.join(dir, 't.jsonl'), ids);
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'now a file'); // the folder is gone: appends fail
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => t.progress({ kind: 'milestone', name: 'x' })).not.toThrow();
      await expect(t.finalReport(report)).rejects.toThrow();
    } finally {
      write.mockRestore();
      rmSync(dir, { force: true });
    }
  });
});

describe('FileMemoryWriter', () => {
  it('appends one episode per line, one file per repository', async () => {
    const m = new FileMemoryWriter(path.join(dir, 'memory'));
    const episode = { taskId: 'T1', repo: 'octo/widgets' } as never;
    await m.write(episode);
    await m.write(episode);
    expect(readFileSync(path.join(dir, 'memory', 'octo__widgets.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('FileBlobReader', () => {
  it('reads file:// references and refuses others clearly', async () => {
    const f = path.join(dir, 'prompt.md');
    writeFileSync(f, 'hello');
    const blobs = new FileBlobReader();
    expect((await blobs.get(pathToFileURL(f).href)).toString()).toBe('hello');
    await expect(blobs.get('s3://bucket/key')).rejects.toThrow(UnsupportedRefError);
    await expect(blobs.get('s3://bucket/key')).rejects.toThrow(/s3:\/\/ references are read through S3/);
    await expect(blobs.get('/etc/passwd')).rejects.toThrow(/only file:\/\/ and s3:\/\//);
  });
});

describe('SchemeBlobReader', () => {
  it('reads s3:// through the S3 reader, built once on first use, and everything else as a file', async () => {
    const f = path.join(dir, 'prompt.md');
    writeFileSync(f, 'from disk');
    const s3Reads: string[] = [];
    const makeS3 = jest.fn(() => ({ get: async (ref: string) => (s3Reads.push(ref), Buffer.from('from s3')) }));
    const blobs = new SchemeBlobReader(makeS3);
    expect((await blobs.get(pathToFileURL(f).href)).toString()).toBe('from disk');
    expect(makeS3).not.toHaveBeenCalled();
    expect((await blobs.get('s3://abca-blobs/prompts/T1/p.md')).toString()).toBe('from s3');
    await blobs.get('s3://abca-blobs/trajectories/t.json');
    expect(makeS3).toHaveBeenCalledTimes(1);
    expect(s3Reads).toEqual(['s3://abca-blobs/prompts/T1/p.md', 's3://abca-blobs/trajectories/t.json']);
    await expect(blobs.get('/etc/passwd')).rejects.toThrow(UnsupportedRefError);
  });
});

describe('buildAdapters', () => {
  it('uses the JSONL telemetry and memory when asked, and the payload harness; the token from the environment', async () => {
    const payload = { taskId: 'T1', sessionId: 'S1', harness: { type: 'replay', trajectoryRef: 'file:///t.json' }, gitApiUrl: 'http://127.0.0.1:1' } as unknown as SessionPayload;
    const a = await buildAdapters(payload, { ABCA_TELEMETRY_FILE: path.join(dir, 't.jsonl'), ABCA_MEMORY_DIR: path.join(dir, 'm'), ABCA_GIT_TOKEN: 'tok' }, silentLog);
    expect(a.telemetry).toBeInstanceOf(FileTelemetry);
    expect(a.memory).toBeInstanceOf(FileMemoryWriter);
    expect(a.harness).toBeInstanceOf(ReplayHarness);
    expect(a.gitToken).toBe('tok');
    expect(existsSync(path.join(dir, 't.jsonl'))).toBe(false); // nothing written until used
  });
});

describe('GitHubPullRequests', () => {
  const request = { repo: 'o/r', head: 'bgagent/T/x', base: 'main', title: 't', body: 'b' };
  it('maps the client\'s pull request', async () => {
    const calls: unknown[] = [];
    const prs = new GitHubPullRequests({
      ensurePullRequest: async (input) => {
        calls.push(input);
        return { number: 7, url: 'https://forge.test/o/r/pull/7', state: 'open', merged: false, created: false };
      },
    });
    expect(await prs.ensure(request)).toEqual({ number: 7, url: 'https://forge.test/o/r/pull/7', created: false });
    expect(calls).toEqual([request]);
  });
  it('says that a token is needed when there is none', async () => {
    await expect(new GitHubPullRequests(null).ensure(request)).rejects.toThrow(/no git token: set ABCA_GIT_TOKEN/);
  });
});
