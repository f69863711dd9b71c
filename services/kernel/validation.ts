/**
 * Schema validation of events, on append and on receive. Validators are compiled once per
 * process (lazily, on first use) from the schemas listed in the generated registry.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EVENT_SCHEMAS, SHARED_SCHEMAS } from '../../schemas/generated/registry';
import type { EventType } from './envelope';

export class EventValidationError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid ${eventType} event: ${issues.join('; ')}`);
    this.name = 'EventValidationError';
  }
}

let compiled: { envelope: ValidateFunction; byType: Map<string, ValidateFunction> } | undefined;

function validators() {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword('x-stream').addKeyword('x-schema-version');
  ajv.addSchema(SHARED_SCHEMAS.RepoConfig);
  const byType = new Map<string, ValidateFunction>();
  for (const [type, entry] of Object.entries(EVENT_SCHEMAS)) byType.set(type, ajv.compile(entry.schema));
  compiled = { envelope: ajv.compile(SHARED_SCHEMAS.EventEnvelope), byType };
  return compiled;
}

/** `data.repo must match pattern "..."`: the field path first, so the message names the field. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, root: string): string[] {
  return (errors ?? []).map((e) => {
    const path = root + e.instancePath.replace(/\//g, '.');
    if (e.keyword === 'required') return `${path}.${(e.params as { missingProperty: string }).missingProperty} is required`;
    if (e.keyword === 'additionalProperties')
      return `${path}.${(e.params as { additionalProperty: string }).additionalProperty} is not allowed`;
    if (e.keyword === 'enum') return `${path} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    return `${path} ${e.message ?? 'is invalid'}`;
  });
}

function isKnownEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMAS, type);
}

/** Throws EventValidationError naming each bad field; returns the data typed on success. */
export function validateEventData(type: string, data: unknown): void {
  const validate = validators().byType.get(type);
  if (!validate) throw new EventValidationError(type, [`unknown event type "${type}" (known: ${Object.keys(EVENT_SCHEMAS).join(', ')})`]);
  if (!validate(data)) throw new EventValidationError(type, describeErrors(validate.errors, 'data'));
}

/** Validates a whole envelope (shape, then data against the schema of its type and version). */
export function validateEnvelope(envelope: unknown): void {
  const { envelope: validate } = validators();
  const type = typeof (envelope as { type?: unknown })?.type === 'string' ? (envelope as { type: string }).type : 'unknown';
  if (!validate(envelope)) throw new EventValidationError(type, describeErrors(validate.errors, 'event'));
  const e = envelope as { type: string; schemaVersion: number; data: unknown };
  const expected = isKnownEventType(e.type) ? EVENT_SCHEMAS[e.type].version : undefined;
  if (expected !== undefined && e.schemaVersion !== expected)
    throw new EventValidationError(type, [`event.schemaVersion ${e.schemaVersion} is not supported (current: ${expected}); upcast it first`]);
  validateEventData(e.type, e.data);
}

export function schemaVersionOf(type: EventType): number {
  return EVENT_SCHEMAS[type].version;
}
