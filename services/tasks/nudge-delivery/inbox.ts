/**
 * A task's nudge inbox in the blob store (claim check): the nudge-delivery service writes one file
 * per NudgeReceived, the agent reads the folder between turns (agent/adapters/file-nudge-inbox.ts).
 *
 *   nudges/<taskId>/<stream sequence, 10 digits>-<event id>.json   { nudgeId, message, at }
 *
 * The key and the content come from the event alone, so a redelivered event rewrites the same file
 * with the same bytes: delivery is idempotent by construction, and the names sort in stream order.
 */
import type { InboxNudge } from '../../../schemas/agent/contracts';
import type { EventEnvelope } from '../../kernel/envelope';
import type { BlobStore } from '../../ports/blob-store';

/** Digits of the sequence in a file name: 10 cover any stream we will ever have. */
const SEQUENCE_DIGITS = 10;

/** The inbox folder's key (no trailing slash: a blob key has no empty segment). */
const nudgeInboxKey = (taskId: string): string => `nudges/${taskId}`;

/** What the agent is given (SessionPayload.nudgesRef): the inbox folder's reference, ending in `/`. */
export const nudgeInboxRef = (blobs: Pick<BlobStore, 'refOf'>, taskId: string): string => `${blobs.refOf(nudgeInboxKey(taskId))}/`;

const nudgeFileKey = (taskId: string, sequence: number, eventId: string): string =>
  `${nudgeInboxKey(taskId)}/${String(sequence).padStart(SEQUENCE_DIGITS, '0')}-${eventId}.json`;

/** Writes the nudge of a NudgeReceived event into its task's inbox; returns the blob's reference. */
export async function writeNudge(blobs: BlobStore, event: EventEnvelope<'NudgeReceived'>): Promise<string> {
  const nudge: InboxNudge = { nudgeId: event.data.nudgeId, message: event.data.message, at: event.occurredAt };
  return blobs.put(nudgeFileKey(event.stream.id, event.sequence, event.id), JSON.stringify(nudge), 'application/json');
}
