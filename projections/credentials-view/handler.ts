/**
 * Lambda entry of the credentials-view projection (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudCredentialsViews, cloudStore } from '../../services/cloud/ports/dynamodb';
import { lambdaHandler } from '../../services/cloud/lambda-handler';
import { credentialsViewEntry } from './catalog-entry';

export const handler = lambdaHandler(credentialsViewEntry, { store: cloudStore, credentialsViews: cloudCredentialsViews });
