/** Cloud factory of the screening: Bedrock Guardrails when ABCA_GUARDRAIL_ID and _VERSION are set, else the rule-based screen. */
import { screeningFromEnv } from '../../tasks/hydration/screening-factory';
import type { CloudPortFactory } from '../cloud-ports';

export const cloudScreening: CloudPortFactory<'screening'> = (ctx) => screeningFromEnv(ctx.env as NodeJS.ProcessEnv);
