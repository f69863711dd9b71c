/** The resources the local EventBridge keeps, in the shapes of the EventBridge API (PascalCase). */

/** An event as EventBridge delivers it to targets. */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  'replay-name'?: string;
}

/** An event on its way through the bus: the event plus when the bus received it. */
export interface IngestedEvent {
  readonly event: EventBridgeEvent;
  readonly ingestionTime: number;
}

export interface BusRecord {
  Name: string;
  Arn: string;
  Description?: string;
  CreationTime: number;
  LastModifiedTime: number;
}

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface RuleRecord {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: RuleState;
  Description?: string;
  RoleArn?: string;
  CreatedBy: string;
}

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

export interface HttpParameters {
  PathParameterValues?: string[];
  HeaderParameters?: Record<string, string>;
  QueryStringParameters?: Record<string, string>;
}

export interface TargetRecord {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  HttpParameters?: HttpParameters;
  /** Other AWS target settings (SqsParameters, …) are kept and echoed back, not acted on. */
  [extra: string]: unknown;
}

type ArchiveState = 'ENABLED' | 'DISABLED' | 'CREATING' | 'UPDATING' | 'CREATE_FAILED' | 'UPDATE_FAILED';

export interface ArchiveRecord {
  ArchiveName: string;
  ArchiveArn: string;
  EventSourceArn: string;
  Description?: string;
  EventPattern?: string;
  RetentionDays: number;
  State: ArchiveState;
  CreationTime: number;
}

type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface ReplayRecord {
  ReplayName: string;
  ReplayArn: string;
  Description?: string;
  EventSourceArn: string;
  Destination: { Arn: string; FilterArns?: string[] };
  EventStartTime: number;
  EventEndTime: number;
  State: ReplayState;
  StateReason?: string;
  ReplayStartTime: number;
  ReplayEndTime?: number;
  EventLastReplayedTime?: number;
  /** Local extension: how many archived events the replay has re-sent (and of how many). */
  EventsReplayed?: number;
  EventsTotal?: number;
}

export type AuthorizationType = 'API_KEY' | 'BASIC' | 'OAUTH_CLIENT_CREDENTIALS';

export interface KeyValue {
  Key: string;
  Value: string;
  IsValueSecret?: boolean;
}

export interface ConnectionHttpParameters {
  HeaderParameters?: KeyValue[];
  QueryStringParameters?: KeyValue[];
  BodyParameters?: KeyValue[];
}

export interface ConnectionAuthParameters {
  ApiKeyAuthParameters?: { ApiKeyName: string; ApiKeyValue: string };
  BasicAuthParameters?: { Username: string; Password: string };
  OAuthParameters?: {
    ClientParameters: { ClientID: string; ClientSecret: string };
    AuthorizationEndpoint: string;
    HttpMethod: string;
    OAuthHttpParameters?: ConnectionHttpParameters;
  };
  InvocationHttpParameters?: ConnectionHttpParameters;
}

export interface ConnectionRecord {
  Name: string;
  ConnectionArn: string;
  Description?: string;
  AuthorizationType: AuthorizationType;
  AuthParameters: ConnectionAuthParameters;
  ConnectionState: 'AUTHORIZED' | 'DEAUTHORIZED';
  CreationTime: number;
  LastModifiedTime: number;
  LastAuthorizedTime: number;
}

export interface ApiDestinationRecord {
  Name: string;
  ApiDestinationArn: string;
  Description?: string;
  ConnectionArn: string;
  InvocationEndpoint: string;
  HttpMethod: string;
  InvocationRateLimitPerSecond?: number;
  ApiDestinationState: 'ACTIVE' | 'INACTIVE';
  CreationTime: number;
  LastModifiedTime: number;
}

/** Everything the definitions file holds. */
export interface StateSnapshot {
  version: 1;
  buses: BusRecord[];
  rules: RuleRecord[];
  targets: Record<string, TargetRecord[]>;
  archives: ArchiveRecord[];
  replays: ReplayRecord[];
  connections: ConnectionRecord[];
  apiDestinations: ApiDestinationRecord[];
}
