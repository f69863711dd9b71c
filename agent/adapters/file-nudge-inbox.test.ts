/** The file nudge inbox on a real folder, and how the agent picks its inbox (wiring.nudgeInboxFor). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InboxNudge } from '../contracts';
import { nudgeInboxFor } from '../wiring';
import { UnsupportedRefError } from './blob-reader';
import { FileNudgeInbox, NoNudges } from './file-nudge-inbox';

let root: string;
let inboxDir: string;
let ref: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'abca-nudges-'));
  inboxDir = path.join(root, 'nudges', 'T-1');
  ref = `${pathToFileURL(inboxDir).href}/`;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(name: string, content: InboxNudge | string): void {
  mkdirSync(inboxDir, { recursive: true });
  writeFileSync(path.join(inboxDir, name), typeof content === 'string' ? content : JSON.stringify(content));
}
const nudge = (nudgeId: string, message: string): InboxNudge => ({ nudgeId, message, at: '2025-01-01T00:00:00.000Z' });

describe('FileNudgeInbox', () => {
  it('gives nothing while the folder does not exist, and no warning', () => {
    const warnings: string[] = [];
    expect(new FileNudgeInbox(ref, { warn: (m) => warnings.push(m) }).drain()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('hands out each nudge once, in file-name order, including the ones that arrive later', () => {
    const inbox = new FileNudgeInbox(ref);
    put('0000000012-01JB.json', nudge('n-2', 'then add a test'));
    put('0000000009-01JA.json', nudge('n-1', 'use pnpm'));
    expect(inbox.drain()).toEqual(['use pnpm', 'then add a test']);
    expect(inbox.drain()).toEqual([]);
    put('0000000015-01JC.json', nudge('n-3', 'and update the changelog'));
    expect(inbox.drain()).toEqual(['and update the changelog']);
  });

  it('skips half-written and foreign files, and unreadable nudges (with a warning, once)', () => {
    const warnings: string[] = [];
    const inbox = new FileNudgeInbox(ref, { warn: (m) => warnings.push(m) });
    put('0000000001-01JA.json.3f2a.tmp', '{"nudgeId":"n-0","mes');
    put('README', 'not a nudge');
    put('0000000002-01JB.json', '{not json');
    put('0000000003-01JC.json', JSON.stringify({ nudgeId: 'n-3', message: '   ' }));
    put('0000000004-01JD.json', nudge('n-4', 'the good one'));
    expect(inbox.drain()).toEqual(['the good one']);
    expect(warnings).toEqual([
      expect.stringMatching(/^nudge 0000000002-01JB\.json skipped: .*JSON/),
      'nudge 0000000003-01JC.json skipped: it needs a nudgeId and a non-empty message',
    ]);
    expect(inbox.drain()).toEqual([]);
    expect(warnings).toHaveLength(2);
  });

  it('hands out a nudge id once even if it is in two files', () => {
    const inbox = new FileNudgeInbox(ref);
    put('0000000005-01JA.json', nudge('n-1', 'use pnpm'));
    put('0000000006-01JB.json', nudge('n-1', 'use pnpm'));
    expect(inbox.drain()).toEqual(['use pnpm']);
  });

  it('warns, and gives nothing, when the inbox is not a readable folder', () => {
    mkdirSync(path.dirname(inboxDir), { recursive: true });
    writeFileSync(inboxDir, 'a file, not a folder');
    const warnings: string[] = [];
    expect(new FileNudgeInbox(ref, { warn: (m) => warnings.push(m) }).drain()).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/cannot list the nudge inbox .*ENOTDIR/)]);
  });

  it('refuses references that are not file:// (s3:// inboxes are S3NudgeInbox)', () => {
    expect(() => new FileNudgeInbox('s3://bucket/nudges/T-1/')).toThrow(UnsupportedRefError);
    expect(() => new FileNudgeInbox('s3://bucket/nudges/T-1/')).toThrow(/s3:\/\/ references are read through S3/);
    expect(() => new FileNudgeInbox('/tmp/nudges')).toThrow(/only file:\/\/ and s3:\/\//);
  });
});

describe('nudgeInboxFor (agent/wiring.ts)', () => {
  const logs: string[] = [];
  const log = (level: string, message: string) => void logs.push(`${level}: ${message}`);
  beforeEach(() => (logs.length = 0));

  it('reads the payload inbox folder', () => {
    put('0000000001-01JA.json', nudge('n-1', 'use pnpm'));
    const inbox = nudgeInboxFor({ nudgesRef: ref }, log);
    expect(inbox).toBeInstanceOf(FileNudgeInbox);
    expect(inbox.drain()).toEqual(['use pnpm']);
  });

  it('gives no nudges for a payload without an inbox (older platforms)', () => {
    expect(nudgeInboxFor({}, log)).toBeInstanceOf(NoNudges);
    expect(logs).toEqual([]);
  });

  it('turns nudges off, with a warning, for an inbox it cannot read, rather than failing the session', () => {
    const inbox = nudgeInboxFor({ nudgesRef: 'https://example.com/nudges/T-1/' }, log);
    expect(inbox).toBeInstanceOf(NoNudges);
    expect(logs).toEqual([expect.stringMatching(/^warn: nudges are off for this session: cannot read "https:\/\/example\.com\/nudges\/T-1\/": only file:\/\/ and s3:\/\//)]);
  });

  it('turns nudges off, with a warning, for an s3:// inbox when no S3 client can be had', () => {
    const inbox = nudgeInboxFor({ nudgesRef: 's3://abca-blobs/nudges/T-1/' }, log, () => {
      throw new Error('no region');
    });
    expect(inbox).toBeInstanceOf(NoNudges);
    expect(logs).toEqual(['warn: nudges are off for this session: no region']);
  });
});
