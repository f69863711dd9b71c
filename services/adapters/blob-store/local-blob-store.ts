/**
 * BlobStore on a local folder (one machine's stand-in for S3): `put('prompts/t-1/abc.md', ...)`
 * writes `<root>/prompts/t-1/abc.md` and returns its `file://` URL, which `get` reads back.
 *
 * Keys follow the blob key rules (blob-key.ts: relative paths of plain segments, else BlobKeyError),
 * and a `file://` reference outside the root is refused too, so no caller can read or write
 * outside the folder. Writes go to a temporary file that is renamed into place, so a reader never
 * sees half a blob.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BlobStore } from '../../ports/blob-store';
import { BlobKeyError, blobKeySegments } from './blob-key';

export { BlobKeyError } from './blob-key';

export class LocalBlobStore implements BlobStore {
  /** The folder, as an absolute path. */
  readonly root: string;

  constructor(rootDir: string) {
    this.root = path.resolve(rootDir);
  }

  async put(key: string, body: string | Uint8Array, _contentType?: string): Promise<string> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, file);
    return this.refOf(key);
  }

  refOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  async get(ref: string): Promise<Buffer> {
    if (!ref.startsWith('file://')) throw new BlobKeyError(`not a local blob reference (file://...): ${JSON.stringify(ref)}`);
    let file: string;
    try {
      file = path.resolve(fileURLToPath(ref));
    } catch (err) {
      throw new BlobKeyError(`not a valid file URL: ${JSON.stringify(ref)} (${(err as Error).message})`);
    }
    if (!this.contains(file)) throw new BlobKeyError(`blob reference ${JSON.stringify(ref)} is outside the blob folder ${this.root}`);
    return readFile(file);
  }

  /** The file a key maps to; throws BlobKeyError for a key that could leave the folder. */
  pathOf(key: string): string {
    const file = path.resolve(this.root, ...blobKeySegments(key));
    if (!this.contains(file)) throw new BlobKeyError(`blob key ${JSON.stringify(key)} resolves outside the blob folder`);
    return file;
  }

  private contains(file: string): boolean {
    const rel = path.relative(this.root, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  }
}
