/**
 * BlobReader for the agent: the prompt (payload.promptRef) and the replay trajectory by reference.
 * `file://` references are read from disk (one machine: the LocalBlobStore's folder is visible to
 * the agent); `s3://` references through S3 (s3-blob-reader.ts, GetObject with the sandbox's
 * role). SchemeBlobReader picks by the reference's scheme, so a session can mix both. `localPathOf`
 * is the file rule for every reader of the agent (the file nudge inbox too).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isS3Ref } from '../../services/adapters/s3/s3-ref';
import type { BlobReader } from '../ports';

export class UnsupportedRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedRefError';
  }
}

/** The local path of a `file://` reference; UnsupportedRefError for any other. */
export function localPathOf(ref: string): string {
  if (!ref.startsWith('file://')) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(ref)?.[1];
    throw new UnsupportedRefError(
      scheme === 's3'
        ? `cannot read ${ref} as a local file: s3:// references are read through S3`
        : `cannot read ${JSON.stringify(ref)}: only file:// and s3:// references are supported`,
    );
  }
  return fileURLToPath(ref);
}

export class FileBlobReader implements BlobReader {
  async get(ref: string): Promise<Buffer> {
    return readFile(localPathOf(ref));
  }
}

/**
 * Reads `s3://` references with the reader `s3()` gives (built on the first such reference, so a
 * file-only session never loads the S3 client) and everything else as a file.
 */
export class SchemeBlobReader implements BlobReader {
  private s3Reader: BlobReader | undefined;

  constructor(
    private readonly s3: () => BlobReader,
    private readonly file: BlobReader = new FileBlobReader(),
  ) {}

  async get(ref: string): Promise<Buffer> {
    if (!isS3Ref(ref)) return this.file.get(ref);
    this.s3Reader ??= this.s3();
    return this.s3Reader.get(ref);
  }
}
