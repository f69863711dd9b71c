/**
 * CredentialsViewStore on DynamoDB (table CREDENTIALS_VIEW_TABLE): one item per API key or
 * webhook, the CredentialView's fields as plain attributes plus the keys `credentialKey`
 * (`<kind>#<id>`), `userKind` (`<userId>#<kind>`) and `createdKey` (`<createdAt>#<id>`).
 *
 * The table holds two kinds of stream (ApiKey and Webhook), so the item key is the kind and the
 * stream id together; `forKind(kind)` is the ProjectionStore / RebuildTarget of one kind, keyed by
 * the stream id as apply and rebuild expect.
 *
 * listByUser, newest first: one query on `by-user-kind` (createdKey descending). Cursors (see
 * ../cursor.ts): the createdKey of the last item returned, scoped to the user and the kind, so a
 * cursor of one user's (or kind's) list is refused on another. Index reads are eventually
 * consistent; `get` is strongly consistent.
 */
import { checkLimit, decodeCursor, pageOf, type CursorScope } from '../cursor';
import { DynamoDbViewTable, sortableTime, type DynamoDbViewStoreOptions } from '../dynamodb-view-table';
import type { ProjectionStore, RebuildTarget, SaveResult, ViewState } from '../projection';
import { CREDENTIALS_VIEW_ITEM, CREDENTIALS_VIEW_TABLE } from '../tables';
import { CREDENTIAL_KINDS, type CredentialKind, type CredentialsViewStore, type CredentialView, type Page } from './credentials-view';

/** The `by-user-kind` index (read when used: a module-level constant would keep this module in bundles that never build the store). */
const byUserKind = () => CREDENTIALS_VIEW_TABLE.globalSecondaryIndexes[0];

const credentialKeyOf = (kind: CredentialKind, id: string): string => `${kind}#${id}`;
const userKindOf = (userId: string, kind: CredentialKind): string => `${userId}#${kind}`;
const createdKeyOf = (view: Pick<CredentialView, 'createdAt' | 'id'>): string => `${sortableTime(view.createdAt)}#${view.id}`;

/** The view store of one kind of credential, keyed by stream id (what apply and rebuild use). */
export type CredentialKindStore = ProjectionStore<CredentialView> & RebuildTarget<CredentialView>;

export type DynamoDbCredentialsViewStoreOptions = DynamoDbViewStoreOptions;

export class DynamoDbCredentialsViewStore extends DynamoDbViewTable<CredentialView> implements CredentialsViewStore {
  private readonly kinds: Readonly<Record<CredentialKind, CredentialKindStore>>;

  constructor(options: DynamoDbCredentialsViewStoreOptions) {
    super(options, CREDENTIALS_VIEW_TABLE.partitionKey.name);
    const kindStore = (kind: CredentialKind): CredentialKindStore => ({
      load: (id: string): Promise<ViewState<CredentialView>> => this.load(credentialKeyOf(kind, id)),
      save: (id: string, view: CredentialView, expected: number): Promise<SaveResult> => this.save(credentialKeyOf(kind, id), view, expected),
      replace: (id: string, view: CredentialView) => this.replace(credentialKeyOf(kind, id), view),
    });
    this.kinds = { api_key: kindStore('api_key'), webhook: kindStore('webhook') };
  }

  /** The store of one kind, keyed by the stream id (the key id or the webhook id). */
  forKind(kind: CredentialKind): CredentialKindStore {
    checkKind(kind);
    return this.kinds[kind];
  }

  get(kind: CredentialKind, id: string): Promise<CredentialView | undefined> {
    checkKind(kind);
    return this.read(credentialKeyOf(kind, id));
  }

  async listByUser(userId: string, kind: CredentialKind, options: { limit: number; cursor?: string }): Promise<Page<CredentialView>> {
    checkKind(kind);
    checkLimit(options.limit);
    const scope: CursorScope = { kind: `credentials:${kind}`, key: userId };
    const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor, scope);
    const views = await this.collect(
      {
        IndexName: byUserKind().indexName,
        KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
        ScanIndexForward: false,
        ExpressionAttributeNames: { '#pk': byUserKind().partitionKey.name, ...(before === undefined ? {} : { '#sk': byUserKind().sortKey.name }) },
        ExpressionAttributeValues: { ':pk': { S: userKindOf(userId, kind) }, ...(before === undefined ? {} : { ':before': { S: before } }) },
      },
      options.limit + 1,
    );
    return pageOf(views, options.limit, scope, createdKeyOf);
  }

  protected toItem(view: CredentialView): Record<string, unknown> {
    return {
      userId: view.userId,
      kind: view.kind,
      id: view.id,
      name: view.name,
      createdAt: view.createdAt,
      revokedAt: view.revokedAt,
      lastSequence: view.lastSequence,
      [CREDENTIALS_VIEW_ITEM.credentialKey]: credentialKeyOf(view.kind, view.id),
      [CREDENTIALS_VIEW_ITEM.userKind]: userKindOf(view.userId, view.kind),
      [CREDENTIALS_VIEW_ITEM.createdKey]: createdKeyOf(view),
    };
  }

  protected fromItem(item: Record<string, unknown>): CredentialView {
    return {
      userId: item.userId as string,
      kind: item.kind as CredentialKind,
      id: item.id as string,
      name: item.name as string,
      createdAt: item.createdAt as string,
      revokedAt: (item.revokedAt as string | null | undefined) ?? null,
      lastSequence: item.lastSequence as number,
    };
  }

  protected idOf(view: CredentialView): string {
    return credentialKeyOf(view.kind, view.id);
  }
}

function checkKind(kind: CredentialKind): void {
  if (!CREDENTIAL_KINDS.includes(kind)) throw new RangeError(`unknown credential kind ${JSON.stringify(kind)} (known: ${CREDENTIAL_KINDS.join(', ')})`);
}
