/** Lambda entry of the watchdog service (the catalog's lambdaEntry; the CDK app bundles it). */
import { catalogHandler } from '../../cloud/catalog-handler';

export const handler = catalogHandler('watchdog');
