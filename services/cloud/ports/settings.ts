/** Cloud factories of the ports that reach nothing in AWS: the clock, the admission policy, and the ports the cloud leaves to their defaults. */
import { admissionPolicyFromEnv } from '../../users/user/admission-policy';
import type { CloudPortFactory } from '../cloud-ports';

export const cloudNow: CloudPortFactory<'now'> = () => () => new Date();

/** ABCA_MAX_ACTIVE_TASKS_PER_USER and ABCA_QUEUE_MAX_AGE_MS, else the defaults. */
export const cloudAdmission: CloudPortFactory<'admission'> = (ctx) => admissionPolicyFromEnv(ctx.env);

/** None in the cloud: hydration uses its basic context source. */
export const cloudContextSource: CloudPortFactory<'contextSource'> = () => undefined;

/** None in the cloud: the watchdog's defaults. */
export const cloudWatchdogConfig: CloudPortFactory<'watchdogConfig'> = () => undefined;
