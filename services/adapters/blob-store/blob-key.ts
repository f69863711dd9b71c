/**
 * The rules of a blob key, shared by every BlobStore adapter so that a key valid for one is valid
 * for all (a key written locally as a file is the same key in S3): 1-1024 characters of plain
 * relative segments. An absolute key, a `..` or `.` segment, an empty segment, a backslash or a
 * NUL byte is refused with BlobKeyError; on disk such a key could leave the blob folder, and in
 * S3 it would name an object no local path maps to.
 */
export class BlobKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobKeyError';
  }
}

const MAX_BLOB_KEY_LENGTH = 1024;

/** The key's `/`-separated segments; throws BlobKeyError for a key that breaks the rules above. */
export function blobKeySegments(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_BLOB_KEY_LENGTH) {
    throw new BlobKeyError(`a blob key must be 1-${MAX_BLOB_KEY_LENGTH} characters`);
  }
  if (key.includes('\0') || key.includes('\\')) throw new BlobKeyError(`blob key ${JSON.stringify(key)} contains a NUL byte or a backslash`);
  if (key.startsWith('/')) throw new BlobKeyError(`blob key ${JSON.stringify(key)} must be relative`);
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new BlobKeyError(`blob key ${JSON.stringify(key)} may not contain empty, "." or ".." segments`);
  }
  return segments;
}
