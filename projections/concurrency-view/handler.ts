/**
 * Lambda entry of the concurrency-view projection (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudConcurrencyViews, cloudStore } from '../../services/cloud/ports/dynamodb';
import { lambdaHandler } from '../../services/cloud/lambda-handler';
import { concurrencyViewEntry } from './catalog-entry';

export const handler = lambdaHandler(concurrencyViewEntry, { store: cloudStore, concurrencyViews: cloudConcurrencyViews });
