/** Lambda entry of the credentials-view projection (the catalog's lambdaEntry; the CDK app bundles it). */
import { catalogHandler } from '../../services/cloud/catalog-handler';

export const handler = catalogHandler('credentials-view');
