/**
 * Test support: a real S3-compatible server on a local port (s3rver, which speaks the S3 REST API
 * and keeps objects in a temporary folder), with the buckets a test asks for, and a record of
 * every request as it reached the server (method, path + query, headers), so tests check both
 * what the real @aws-sdk/client-s3 sends and what S3 does with it.
 *
 * s3rver answers path-style requests (`/<bucket>/<key>`): clients need `forcePathStyle`, which
 * services/adapters/s3/s3-client.ts sets whenever an endpoint is given. It ignores signatures and
 * server-side encryption (it stores the object, not the header): the record is how tests see the
 * encryption headers.
 */
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../services/adapters/blob-store/s3-blob-store';
import { s3Client } from '../../services/adapters/s3/s3-client';

interface S3Request {
  readonly method: string;
  /** Path and query, as sent (`/bucket/key?x-id=GetObject`). */
  readonly url: string;
  /** Lower-cased header names. */
  readonly headers: http.IncomingHttpHeaders;
}

export interface LocalS3 {
  readonly endpoint: string;
  readonly requests: S3Request[];
  /** A client of the real SDK on this server (dummy credentials); `destroy()` it when done. */
  client(options?: { maxAttempts?: number }): S3Client;
  close(): Promise<void>;
}

export const LOCAL_S3_REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const releaseDes = useDesShim();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'abca-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  const { port } = await server.run();
  // run() keeps its node:http server here (not in s3rver's typings): listening to it records each
  // request before s3rver's own handler sees it.
  const httpServer = (server as unknown as { httpServer?: http.Server }).httpServer;
  if (!httpServer) throw new Error('s3rver changed: no httpServer after run(); the request record needs another hook');
  const requests: S3Request[] = [];
  httpServer.on('request', (req: http.IncomingMessage) => requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers }));
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    requests,
    client: (options = {}) => s3Client({ endpoint, region: LOCAL_S3_REGION, credentials: CREDENTIALS, maxAttempts: options.maxAttempts ?? 1 }),
    async close() {
      httpServer.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
      releaseDes();
    },
  };
}

/** A local S3 a whole test file shares, with one client on it and the platform's BlobStore there. */
export interface SharedLocalS3 {
  readonly endpoint: string;
  readonly requests: S3Request[];
  readonly client: S3Client;
  /** The S3 BlobStore in the bucket, under the prefix. */
  readonly blobs: S3BlobStore;
}

/**
 * Registers the beforeAll / afterAll that start a local S3 with `bucket` (and a client and a
 * BlobStore under `prefix` on it) and stop it; read its fields inside tests and hooks.
 */
export function useLocalS3(bucket: string, prefix = 'abca/'): SharedLocalS3 {
  let current: { s3: LocalS3; client: S3Client; blobs: S3BlobStore } | undefined;
  beforeAll(async () => {
    const s3 = await startLocalS3([bucket]);
    const client = s3.client();
    current = { s3, client, blobs: new S3BlobStore({ client, bucket, prefix }) };
  });
  afterAll(async () => {
    if (!current) return;
    const { s3, client } = current;
    current = undefined;
    client.destroy();
    await s3.close();
  });
  const get = () => {
    if (!current) throw new Error('useLocalS3: read it inside a test or a hook, once beforeAll has run');
    return current;
  };
  return {
    get endpoint() {
      return get().s3.endpoint;
    },
    get requests() {
      return get().s3.requests;
    },
    get client() {
      return get().client;
    },
    get blobs() {
      return get().blobs;
    },
  };
}

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node >= 17)
 * only has in its legacy provider: every truncated listing (more keys than MaxKeys) fails with
 * InternalError. Triple DES with three equal keys is single DES (E_K(D_K(E_K(x))) = E_K(x)) and
 * is in the default provider, so while a local S3 runs, `des` ciphers are made as `des-ede3-cbc`
 * with the key repeated: the same tokens, bit for bit. Nothing else here asks for DES.
 */
let desUsers = 0;
let restoreDes: (() => void) | undefined;

function useDesShim(): () => void {
  if (desUsers++ === 0) {
    const { createCipheriv, createDecipheriv } = crypto;
    const asTripleDes = <A extends unknown[]>(make: (algorithm: string, key: Buffer, iv: Buffer, ...rest: A) => unknown) =>
      ((algorithm: string, key: Buffer, iv: Buffer, ...rest: A) =>
        algorithm === 'des' ? make('des-ede3-cbc', Buffer.concat([key, key, key]), iv, ...rest) : make(algorithm, key, iv, ...rest)) as never;
    crypto.createCipheriv = asTripleDes(createCipheriv as never);
    crypto.createDecipheriv = asTripleDes(createDecipheriv as never);
    restoreDes = () => {
      crypto.createCipheriv = createCipheriv;
      crypto.createDecipheriv = createDecipheriv;
    };
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--desUsers === 0) restoreDes?.();
  };
}
