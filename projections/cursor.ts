/**
 * Page cursors of the view stores. A cursor is opaque to callers: base64url of a small JSON object
 * naming the listing it belongs to (its scope: which user, which status) and the position after
 * which the next page starts (the index sort key of the last item returned). A position marker
 * is equivalent to DynamoDB's LastEvaluatedKey on that index, and stays one value when a page is
 * merged from several queries (several statuses).
 *
 * The scope is checked on use: a cursor of one listing given to another (user A's cursor on user
 * B's list) is refused with InvalidCursorError, so a cursor can never widen what a caller sees.
 * The API layer is expected to encrypt or sign cursors before they leave the platform; this is
 * the store's own guard, not a secret.
 */

export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/** What a cursor is scoped to: the kind of listing and its key (`user` + userId, `status` + status, ...). */
export interface CursorScope {
  readonly kind: string;
  readonly key: string;
}

interface CursorBody {
  readonly v: 1;
  readonly k: string;
  readonly s: string;
  /** The sort key of the last item returned. */
  readonly a: string;
}

export function encodeCursor(scope: CursorScope, after: string): string {
  const body: CursorBody = { v: 1, k: scope.kind, s: scope.key, a: after };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The position in `cursor`, if it was made for `scope`; InvalidCursorError otherwise. */
export function decodeCursor(cursor: string, scope: CursorScope): string {
  let body: Partial<CursorBody>;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new InvalidCursorError('The page token is not valid; start the listing again without it.');
  }
  if (body === null || typeof body !== 'object' || body.v !== 1 || typeof body.a !== 'string' || body.a === '') {
    throw new InvalidCursorError('The page token is not valid; start the listing again without it.');
  }
  if (body.k !== scope.kind || body.s !== scope.key) {
    throw new InvalidCursorError('The page token belongs to another listing; start the listing again without it.');
  }
  return body.a;
}

/** Limits a store accepts for one page (the API allows 1–100). */
const MAX_PAGE_LIMIT = 1000;

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new RangeError(`limit must be a whole number from 1 to ${MAX_PAGE_LIMIT} (got ${limit})`);
  }
}

/**
 * A page from up to limit + 1 candidates in order: the first `limit` items, and a cursor after the
 * last of them only when there was one more (so the last page has no cursor).
 */
export function pageOf<T>(candidates: readonly T[], limit: number, scope: CursorScope, positionOf: (item: T) => string): { items: T[]; nextCursor?: string } {
  if (candidates.length <= limit) return { items: [...candidates] };
  const items = candidates.slice(0, limit);
  return { items, nextCursor: encodeCursor(scope, positionOf(items[items.length - 1]!)) };
}
