/** ARNs of the local EventBridge's resources and of the targets it can deliver to. */
export interface Scope {
  readonly region: string;
  readonly accountId: string;
}

export const DEFAULT_BUS = 'default';

const base = (s: Scope) => `arn:aws:events:${s.region}:${s.accountId}`;

export const busArn = (s: Scope, bus: string) => `${base(s)}:event-bus/${bus}`;
/** AWS leaves the bus out of the ARN of a rule on the default bus. */
export const ruleArn = (s: Scope, bus: string, rule: string) => (bus === DEFAULT_BUS ? `${base(s)}:rule/${rule}` : `${base(s)}:rule/${bus}/${rule}`);
export const archiveArn = (s: Scope, name: string) => `${base(s)}:archive/${name}`;
export const replayArn = (s: Scope, name: string) => `${base(s)}:replay/${name}`;
export const connectionArn = (s: Scope, name: string, id: string) => `${base(s)}:connection/${name}/${id}`;
export const apiDestinationArn = (s: Scope, name: string, id: string) => `${base(s)}:api-destination/${name}/${id}`;
export const functionArn = (s: Scope, name: string) => `arn:aws:lambda:${s.region}:${s.accountId}:function:${name}`;
export const queueArn = (s: Scope, name: string) => `arn:aws:sqs:${s.region}:${s.accountId}:${name}`;

/** A bus given by name or by ARN (EventBusName accepts both). */
export function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return DEFAULT_BUS;
  const m = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

export type TargetKind =
  | { kind: 'function'; name: string }
  | { kind: 'queue'; name: string }
  | { kind: 'api-destination'; name: string }
  | { kind: 'event-bus'; name: string }
  | { kind: 'unsupported'; service: string };

/** What a target ARN points at. Function ARNs may carry a version or alias suffix (ignored). */
export function parseTargetArn(arn: string): TargetKind {
  let m = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(arn);
  if (m) return { kind: 'function', name: m[1]! };
  m = /^arn:aws[\w-]*:sqs:[^:]*:[^:]*:([^:/]+)$/.exec(arn);
  if (m) return { kind: 'queue', name: m[1]! };
  m = /^arn:aws[\w-]*:events:[^:]*:[^:]*:api-destination\/([^/]+)(?:\/.*)?$/.exec(arn);
  if (m) return { kind: 'api-destination', name: m[1]! };
  m = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(arn);
  if (m) return { kind: 'event-bus', name: m[1]! };
  return { kind: 'unsupported', service: arn.split(':')[2] ?? arn };
}

/** A queue given by name or by SQS ARN. */
export function queueNameOf(nameOrArn: string): string {
  const t = parseTargetArn(nameOrArn);
  return t.kind === 'queue' ? t.name : nameOrArn;
}

/** The name in an ARN whose resource part is `<type>/<name>[/<id>]`, or the input if it is a name. */
export function resourceNameOf(nameOrArn: string, type: string): string {
  const m = new RegExp(`^arn:aws[\\w-]*:events:[^:]*:[^:]*:${type}/([^/]+)(?:/.*)?$`).exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}
