/**
 * BlobStore: large payloads (assembled prompts, traces) live here; events carry the reference
 * (claim check). S3 in AWS, a local folder on one machine.
 */
export interface BlobStore {
  /** Stores the bytes and returns a reference (`s3://bucket/key` or `file:///...`). */
  put(key: string, body: string | Uint8Array, contentType?: string): Promise<string>;
  get(ref: string): Promise<Buffer>;
  /**
   * The reference `key` has (what `put` returns for it), without reading or writing anything: how
   * a reader elsewhere (the agent) is told where to look, e.g. a task's nudge inbox folder.
   */
  refOf(key: string): string;
}
