/** Lambda entry of the nudge-delivery service (the catalog's lambdaEntry; the CDK app bundles it). */
import { catalogHandler } from '../../cloud/catalog-handler';

export const handler = catalogHandler('nudge-delivery');
