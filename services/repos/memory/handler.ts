/** Lambda entry of the memory service (the catalog's lambdaEntry; the CDK app bundles it). */
import { catalogHandler } from '../../cloud/catalog-handler';

export const handler = catalogHandler('memory');
