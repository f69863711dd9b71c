/**
 * The agent reads s3:// references (prompt, replay trajectory) with the real @aws-sdk/client-s3
 * against a local S3-compatible server (s3rver), as written by the platform's S3 BlobStore; and
 * buildAdapters wires S3 from the payload's region and AWS_ENDPOINT_URL_S3.
 */
import { BlobNotFoundError } from '../../services/adapters/s3/s3-objects';
import { nudgeInboxRef } from '../../services/tasks/nudge-delivery/inbox';
import { LOCAL_S3_REGION, useLocalS3 } from '../../test/support/local-s3';
import type { SessionPayload } from '../contracts';
import { silentLog } from '../runtime/log';
import { buildAdapters } from '../wiring';
import { SchemeBlobReader } from './blob-reader';
import { S3BlobReader } from './s3-blob-reader';
import { S3NudgeInbox } from './s3-nudge-inbox';

const BUCKET = 'abca-blobs';
const s3 = useLocalS3(BUCKET);

test('reads a prompt the platform stored in S3 (GetObject on the reference)', async () => {
  const promptRef = await s3.blobs.put('prompts/T-1/0123456789ab.md', '# Task\n\nFix the bug.', 'text/markdown; charset=utf-8');
  s3.requests.length = 0;
  const reader = new SchemeBlobReader(() => new S3BlobReader(s3.client));
  expect((await reader.get(promptRef)).toString()).toBe('# Task\n\nFix the bug.');
  expect(s3.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([`GET /${BUCKET}/abca/prompts/T-1/0123456789ab.md`]);
});

test('a missing prompt fails with an error naming its reference', async () => {
  const ref = `s3://${BUCKET}/abca/prompts/T-404/p.md`;
  const err = await new S3BlobReader(s3.client).get(ref).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BlobNotFoundError);
  expect((err as Error).message).toContain(ref);
});

describe('buildAdapters with s3:// references', () => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(() => {
    // The session client uses the default credential chain (a task role in AWS): here, the environment.
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  });
  afterAll(() => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  it('reads the s3:// prompt and trajectory and polls the s3:// nudge inbox, in the payload region, at AWS_ENDPOINT_URL_S3', async () => {
    const trajectoryRef = await s3.blobs.put('trajectories/T-2.json', '{"steps":[]}', 'application/json');
    const promptRef = await s3.blobs.put('prompts/T-2/p.md', 'prompt', 'text/markdown');
    const payload = {
      taskId: 'T-2',
      sessionId: 'S-2',
      promptRef,
      nudgesRef: nudgeInboxRef(s3.blobs, 'T-2'),
      harness: { type: 'replay', trajectoryRef },
      gitApiUrl: 'http://127.0.0.1:1',
      telemetry: { streamName: 'abca-telemetry', region: 'eu-west-3' },
    } as unknown as SessionPayload;
    s3.requests.length = 0;
    const adapters = await buildAdapters(payload, { ABCA_TELEMETRY_FILE: '/dev/null', AWS_ENDPOINT_URL_S3: s3.endpoint }, silentLog);
    try {
      expect(adapters.nudges).toBeInstanceOf(S3NudgeInbox);
      expect((await adapters.blobs.get(promptRef)).toString()).toBe('prompt');
      expect((await adapters.blobs.get(trajectoryRef)).toString()).toBe('{"steps":[]}');
      await (adapters.nudges as S3NudgeInbox).poll();
      const signedRegions = new Set(s3.requests.map((r) => /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(String(r.headers.authorization))?.[1]));
      expect(signedRegions).toEqual(new Set(['eu-west-3']));
      expect(s3.requests.every((r) => r.url.startsWith(`/${BUCKET}`))).toBe(true); // path-style
    } finally {
      adapters.nudges.close?.();
    }
  });

  it('falls back to AWS_REGION when the payload has no region', async () => {
    const promptRef = await s3.blobs.put('prompts/T-3/p.md', 'prompt');
    const payload = { taskId: 'T-3', sessionId: 'S-3', promptRef, harness: { type: 'replay', trajectoryRef: promptRef }, gitApiUrl: 'http://127.0.0.1:1', telemetry: { streamName: 's', region: '' } } as unknown as SessionPayload;
    s3.requests.length = 0;
    const adapters = await buildAdapters(payload, { ABCA_TELEMETRY_FILE: '/dev/null', AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: LOCAL_S3_REGION }, silentLog);
    expect((await adapters.blobs.get(promptRef)).toString()).toBe('prompt');
    expect(String(s3.requests[0]!.headers.authorization)).toContain(`/${LOCAL_S3_REGION}/s3/aws4_request`);
  });
});
