/**
 * Checks a JSON value against a schema of GitHub's OpenAPI description (`@octokit/openapi`,
 * api.github.com): every `required` property present, every present property of the right JSON
 * type (integer, string, boolean, array, object, null only where `nullable`), enums respected,
 * through `$ref`, `allOf`, `anyOf` and `oneOf`, recursively. Returns the problems found (empty
 * when the value conforms), each with its JSON path.
 */
import { readFileSync } from 'node:fs';

interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
  readonly allOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
}

let schemas: Record<string, Schema> | undefined;

function loadSchemas(): Record<string, Schema> {
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  schemas ??= (JSON.parse(readFileSync(file, 'utf8')) as { components: { schemas: Record<string, Schema> } }).components.schemas;
  return schemas;
}

/** The named component schema (e.g. `issue`); throws when GitHub's description has none. */
function openApiSchema(name: string): Schema {
  const schema = loadSchemas()[name];
  if (!schema) throw new Error(`No schema ${name} in GitHub's OpenAPI description`);
  return schema;
}

export function requiredFields(name: string): readonly string[] {
  return openApiSchema(name).required ?? [];
}

export function shapeProblems(schemaName: string, value: unknown): string[] {
  const problems: string[] = [];
  check(openApiSchema(schemaName), value, schemaName, problems);
  return problems;
}

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  return openApiSchema(schema.$ref.replace('#/components/schemas/', ''));
}

const nullable = (schema: Schema): boolean => {
  const s = resolve(schema);
  return s.nullable === true || [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(nullable);
};

function check(raw: Schema, value: unknown, at: string, problems: string[]): void {
  const schema = resolve(raw);
  if (value === null) {
    if (!nullable(schema)) problems.push(`${at}: null where the schema does not allow it`);
    return;
  }
  for (const part of schema.allOf ?? []) check(part, value, at, problems);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const results = alternatives.map((alt) => {
      const p: string[] = [];
      check(alt, value, at, p);
      return p;
    });
    if (!results.some((p) => p.length === 0)) problems.push(`${at}: matches none of the alternatives (${results.map((p) => p[0]).join('; ')})`);
  }
  if (schema.type && !hasType(schema.type, value)) {
    problems.push(`${at}: expected ${schema.type}, got ${Array.isArray(value) ? 'array' : typeof value} (${JSON.stringify(value)?.slice(0, 60)})`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => check(schema.items!, item, `${at}[${i}]`, problems));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const field of schema.required ?? []) if (!(field in obj)) problems.push(`${at}.${field}: required, missing`);
    for (const [field, sub] of Object.entries(schema.properties ?? {})) if (field in obj) check(sub, obj[field], `${at}.${field}`, problems);
  }
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    default:
      return true;
  }
}
