/** Lambda entry of the session service (the catalog's lambdaEntry; the CDK app bundles it). */
import { catalogHandler } from '../../cloud/catalog-handler';

export const handler = catalogHandler('session');
