/**
 * Lambda entry of the memory service (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudMemory, cloudStore } from '../../cloud/ports/dynamodb';
import { cloudIdempotency } from '../../cloud/ports/idempotency';
import { lambdaHandler } from '../../cloud/lambda-handler';
import { memoryEntry } from './catalog-entry';

export const handler = lambdaHandler(memoryEntry, { store: cloudStore, memory: cloudMemory, idempotencyFor: cloudIdempotency });
