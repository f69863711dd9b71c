/**
 * BlobReader for the agent: the prompt (payload.promptRef) and the replay trajectory by reference.
 * `file://` references are read from disk (one machine: the LocalBlobStore's folder is visible to
 * the agent). `s3://` needs the S3 BlobStore adapter, which is not part of the agent yet: such a
 * reference fails with a clear message (see agent/wiring.ts, TODO s3). `localPathOf` is that rule
 * for every reader of the agent (the nudge inbox too).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BlobReader } from '../ports';

export class UnsupportedRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedRefError';
  }
}

/** The local path of a `file://` reference; UnsupportedRefError for any other (s3:// is not supported yet). */
export function localPathOf(ref: string): string {
  if (!ref.startsWith('file://')) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(ref)?.[1];
    throw new UnsupportedRefError(
      scheme === 's3'
        ? `cannot read ${ref}: s3:// references need the S3 blob store, which the agent does not have yet`
        : `cannot read ${JSON.stringify(ref)}: only file:// references are supported`,
    );
  }
  return fileURLToPath(ref);
}

export class FileBlobReader implements BlobReader {
  async get(ref: string): Promise<Buffer> {
    return readFile(localPathOf(ref));
  }
}
