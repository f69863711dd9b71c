/** Lambda entry of the concurrency-view projection (the catalog's lambdaEntry; the CDK app bundles it). */
import { catalogHandler } from '../../services/cloud/catalog-handler';

export const handler = catalogHandler('concurrency-view');
