/**
 * Request bodies checked against schemas/api (compiled once per process). The first problems are
 * named in the message (`body.max_turns must be <= 500`), so a client knows what to fix.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SHARED_SCHEMAS } from '../../schemas/generated/registry';
import { describeErrors } from '../kernel/validation';
import { ApiError } from './errors';

const REQUEST_SCHEMAS = ['CreateTaskRequest', 'NudgeRequest', 'CreateWebhookRequest', 'CreateApiKeyRequest', 'OnboardRepoRequest'] as const;
export type RequestSchema = (typeof REQUEST_SCHEMAS)[number];

let validators: Map<string, ValidateFunction> | undefined;

function validatorFor(name: RequestSchema): ValidateFunction {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    validators = new Map(REQUEST_SCHEMAS.map((n) => [n, ajv.compile(SHARED_SCHEMAS[n])]));
  }
  return validators.get(name)!;
}

/** Returns the body typed as T, or throws VALIDATION_ERROR naming the bad fields. */
export function validateBody<T>(name: RequestSchema, body: Record<string, unknown>): T {
  const validate = validatorFor(name);
  if (validate(body)) return body as T;
  const issues = describeErrors(validate.errors, 'body');
  // anyOf of required fields reads badly as ajv says it: say it as a user would.
  const missingOneOf = validate.errors?.some((e) => e.keyword === 'anyOf' && e.instancePath === '');
  const named = missingOneOf ? ['body needs task_description or issue_number (or both)', ...issues.filter((i) => !/ is required$| must match a schema in anyOf$/.test(i))] : issues;
  throw new ApiError('VALIDATION_ERROR', `Invalid request: ${[...new Set(named)].slice(0, 5).join('; ')}.`);
}
