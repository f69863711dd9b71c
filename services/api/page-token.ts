/**
 * Opaque pagination tokens (`next_token`). The position a listing stopped at (the view store's
 * cursor, an offset...) is sealed with AES-256-GCM under the API's token key, together with who
 * asked and which listing it was. A client cannot read or change a token, and a token made for one
 * user or listing is refused for another — so a forged or borrowed token never widens what a caller
 * sees (the view store's own scope check is a second guard).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ApiError } from './errors';

interface Sealed {
  /** user id */
  readonly u: string;
  /** listing, e.g. `tasks?status=RUNNING&repo=o/r` */
  readonly l: string;
  /** position */
  readonly p: string;
}

export class PageTokens {
  private readonly secret: () => Promise<string>;
  private derived: { readonly secret: string; readonly key: Buffer } | undefined;

  /**
   * `secret`: any string of ≥ 32 characters (hashed into the AES key), or where to read it when a
   * token is sealed or opened (in AWS the Secrets Manager secret, cached for its max age). A
   * rotated key refuses the tokens sealed under the old one: their clients start the listing again.
   */
  constructor(secret: string | (() => Promise<string>)) {
    if (typeof secret === 'string') {
      checkSecret(secret);
      this.secret = async () => secret;
    } else {
      this.secret = secret;
    }
  }

  async seal(userId: string, listing: string, position: string): Promise<string> {
    const key = await this.key();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body: Sealed = { u: userId, l: listing, p: position };
    const data = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
  }

  /** The position sealed in `token` for this user and listing; VALIDATION_ERROR otherwise. */
  async open(token: string, userId: string, listing: string): Promise<string> {
    const invalid = () => new ApiError('VALIDATION_ERROR', 'next_token is not valid for this listing: pass the next_token of the previous page unchanged, with the same filters, or start again without it.');
    if (!/^[A-Za-z0-9_-]{40,4096}$/.test(token)) throw invalid();
    const key = await this.key();
    const raw = Buffer.from(token, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const body = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Sealed;
      if (body.u !== userId || body.l !== listing || typeof body.p !== 'string') throw invalid();
      return body.p;
    } catch {
      throw invalid();
    }
  }

  /** The AES key of the current secret (derived again only when the secret changed). */
  private async key(): Promise<Buffer> {
    const secret = await this.secret();
    if (this.derived?.secret !== secret) {
      checkSecret(secret);
      this.derived = { secret, key: createHash('sha256').update(`abca-page-token:${secret}`).digest() };
    }
    return this.derived.key;
  }
}

function checkSecret(secret: string): void {
  if (secret.length < 32) throw new Error('the page-token secret must have at least 32 characters');
}
