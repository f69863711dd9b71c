/**
 * Lambda entry of the nudge-delivery service (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudBlobs } from '../../cloud/ports/blobs';
import { lambdaHandler } from '../../cloud/lambda-handler';
import { nudgeDeliveryEntry } from './catalog-entry';

export const handler = lambdaHandler(nudgeDeliveryEntry, { blobs: cloudBlobs });
