/**
 * Lambda entry of the admission service (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudStore } from '../../cloud/ports/dynamodb';
import { cloudIdempotency } from '../../cloud/ports/idempotency';
import { cloudAdmission, cloudNow } from '../../cloud/ports/settings';
import { lambdaHandler } from '../../cloud/lambda-handler';
import { admissionEntry } from './catalog-entry';

export const handler = lambdaHandler(admissionEntry, { store: cloudStore, now: cloudNow, admission: cloudAdmission, idempotencyFor: cloudIdempotency });
