/**
 * The REST API (API Gateway, REST) in front of one proxy-integrated function
 * (services/api/handler.ts → createApiHandler): the catalog's http entry
 * (services/api/catalog-entry.ts) gives its two functions, the handler and the authorizer.
 *
 * - Methods come from the API's own route table (services/api/routes ALL_ROUTES): each route's
 *   method and path, so an unknown path never reaches the function and nothing is listed twice.
 * - Authentication: a Cognito user pool issues the users' tokens; one REQUEST authorizer
 *   (services/api/authorizer.ts) sits on every route that needs a user and accepts either an
 *   API key (X-API-Key, checked with services/credentials authenticateApiKey) or a token of that
 *   user pool (Authorization). One authorizer, not a Cognito authorizer plus a Lambda one: API
 *   Gateway gives a method exactly one authorizer, and every user route accepts both credentials.
 *   Refused callers get 401 at the edge; the function authenticates again (defence in depth).
 *   Routes with `auth: 'none'` (signed webhook deliveries, the OpenAPI document) have no
 *   authorizer: their HMAC signature is checked by the function.
 * - Protection: a WAF web ACL on the stage (per-IP rate-based rule, AWS IP reputation list, known
 *   bad inputs), stage throttling, access logs (JSON) to a log group, execution logs at ERROR level
 *   without request or response bodies (they may carry secrets), API Gateway's own errors in the
 *   API's error envelope.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcards, managedPolicyFinding } from '../nag';
import type { HttpEntry } from '../../services/catalog';
import { CLOUD_ENV } from '../../services/cloud/env';
import { PROGRESS_TABLES } from '../../projections/progress-view/tables';
import { VIEW_TABLES } from '../../projections/tables';
import { RATE_LIMIT_TABLE } from '../../services/api/rate-limit';
import { ALL_ROUTES } from '../../services/api/routes';
import type { EventStore } from './event-store';
import type { PlatformTables } from './platform-tables';
import { platformFunction } from './platform-function';

/** One JSON line per request: who, what, how it ended, and why API Gateway refused it when it did. */
const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: apigw.AccessLogField.contextRequestId(),
    ip: apigw.AccessLogField.contextIdentitySourceIp(),
    time: apigw.AccessLogField.contextRequestTime(),
    method: apigw.AccessLogField.contextHttpMethod(),
    path: apigw.AccessLogField.contextResourcePath(),
    status: apigw.AccessLogField.contextStatus(),
    bytes: apigw.AccessLogField.contextResponseLength(),
    latencyMs: apigw.AccessLogField.contextResponseLatency(),
    principal: apigw.AccessLogField.contextAuthorizerPrincipalId(),
    authorizerError: apigw.AccessLogField.contextAuthorizerError(),
    wafResponse: apigw.AccessLogField.contextWafResponseCode(),
    error: apigw.AccessLogField.contextErrorMessage(),
  }),
);

export interface TaskApiProps {
  /** The catalog's entry of the API: its handler's and its authorizer's entry files, timeouts and memory. */
  readonly entry: HttpEntry;
  readonly prefix: string;
  readonly eventStore: EventStore;
  readonly tables: PlatformTables;
  readonly blobBucketName: string;
  /** User ids that may onboard repositories through the API. */
  readonly admins?: readonly string[];
  /** ARN of the secret GitHub signs its webhook deliveries with; without it, POST /v1/github/events is refused. */
  readonly githubWebhookSecretArn?: string;
  /** Requests per second for the whole stage (steady, burst). */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Requests per 5 minutes from one IP before WAF blocks it. */
  readonly wafRateLimitPer5Min?: number;
}

export class TaskApi extends Construct {
  readonly api: apigw.RestApi;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly authorizer: apigw.RequestAuthorizer;
  readonly handler: lambda.Function;
  readonly authorizerFunction: lambda.Function;
  readonly webAcl: wafv2.CfnWebACL;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TaskApiProps) {
    super(scope, id);
    this.userPool = this.createUserPool(props.prefix);
    this.userPoolClient = this.userPool.addClient('CliClient', {
      // SRP for apps; USER_PASSWORD_AUTH so an administrator can get a first token from a shell
      // (`aws cognito-idp initiate-auth`, docs/DEPLOY.md); MFA is required either way.
      authFlows: { userSrp: true, userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // Seals pagination tokens (services/api/page-token.ts): ≥ 32 characters, never leaves AWS.
    const pageTokenKey = new secretsmanager.Secret(this, 'PageTokenKey', {
      description: 'Key that seals the API\'s pagination tokens.',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(pageTokenKey, 'AwsSolutions-SMG4', 'Rotating it only invalidates the pagination tokens in flight; rotate by hand if it leaks (docs/DEPLOY.md).');
    const secretsPrefix = `${props.prefix}/api/`;
    const cognitoEnv = { [CLOUD_ENV.userPoolId]: this.userPool.userPoolId, [CLOUD_ENV.userPoolClientId]: this.userPoolClient.userPoolClientId };

    const { handler, authorizer } = props.entry;
    this.handler = platformFunction(this, 'Handler', {
      entry: handler.lambdaEntry,
      serviceName: handler.name,
      description: 'The REST API (API Gateway proxy integration).',
      timeout: Duration.seconds(handler.timeoutSeconds),
      memorySize: handler.memoryMb,
      environment: {
        [CLOUD_ENV.tablePrefix]: props.prefix,
        [CLOUD_ENV.blobBucket]: props.blobBucketName,
        [CLOUD_ENV.secretsPrefix]: secretsPrefix,
        [CLOUD_ENV.pageTokenSecretArn]: pageTokenKey.secretArn,
        ...cognitoEnv,
        ...(props.admins?.length ? { [CLOUD_ENV.admins]: props.admins.join(',') } : {}),
        ...(props.githubWebhookSecretArn ? { [CLOUD_ENV.githubWebhookSecretArn]: props.githubWebhookSecretArn } : {}),
      },
    });
    props.eventStore.grantAppend(this.handler);
    for (const table of props.tables.tablesOf([...VIEW_TABLES, ...PROGRESS_TABLES])) table.grantReadData(this.handler);
    props.tables.table(RATE_LIMIT_TABLE).grantReadWriteData(this.handler);
    pageTokenKey.grantRead(this.handler);
    if (props.githubWebhookSecretArn) {
      secretsmanager.Secret.fromSecretCompleteArn(this, 'GitHubWebhookSecret', props.githubWebhookSecretArn).grantRead(this.handler);
    }
    // Webhook HMAC keys (services/adapters/secrets/secrets-manager-secret-store.ts): the API's prefix only.
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WebhookSecrets',
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'],
        resources: [Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${secretsPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    acknowledgeWildcards(this.handler, /^Resource::arn:.*:secretsmanager:.*:secret:.*\/api\/\*$/, "Webhook secrets are created per webhook at run time, under the API's own prefix only.");
    acknowledgeWildcards(this.handler, /^Resource::.*\/index\/\*$/, "Table grants include the tables' indexes (list queries).");

    this.authorizerFunction = platformFunction(this, 'Authorizer', {
      entry: authorizer.lambdaEntry,
      serviceName: authorizer.name,
      description: 'API Gateway REQUEST authorizer: API key or Cognito token → principal.',
      timeout: Duration.seconds(authorizer.timeoutSeconds),
      memorySize: authorizer.memoryMb,
      environment: { [CLOUD_ENV.tablePrefix]: props.prefix, ...cognitoEnv },
    });
    props.eventStore.grantRead(this.authorizerFunction);
    this.authorizer = new apigw.RequestAuthorizer(this, 'RequestAuthorizer', {
      handler: this.authorizerFunction,
      // Either header may carry the credential, so API Gateway must not require one; no result cache, so a revoked key stops at once.
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    // No identity source at all (CDK would render an empty one).
    (this.authorizer.node.defaultChild as apigw.CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `${props.prefix}-api`,
      description: 'ABCA task API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // API Gateway's CloudWatch role is one per account and region: kept when a stack goes, so
      // another deployment's execution logs keep working.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'prod',
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
      },
    });
    this.addRoutes();
    this.addGatewayResponses();
    this.webAcl = this.protect(props.wafRateLimitPer5Min ?? 2000);

    acknowledge(this.api, managedPolicyFinding('service-role/AmazonAPIGatewayPushToCloudWatchLogs'), "API Gateway's account-level role for execution logs uses the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy.");
    acknowledge(this.api, 'AwsSolutions-APIG2', "Bodies are validated by the function against the JSON Schemas and refused with the API's own error envelope, which a gateway request validator cannot produce.");
  }

  /** One method per route of the API's route table, with the authorizer unless the route is public. */
  private addRoutes(): void {
    const integration = new apigw.LambdaIntegration(this.handler, { proxy: true, scopePermissionToMethod: false });
    for (const route of ALL_ROUTES) {
      const resource = this.api.root.resourceForPath(route.path);
      if (route.auth === 'none') {
        const method = resource.addMethod(route.method, integration, { authorizationType: apigw.AuthorizationType.NONE });
        const why = `${route.method} ${route.path} is public by design (${route.summary}): signed deliveries are verified by the function (HMAC), the OpenAPI document is public.`;
        acknowledge(method, 'AwsSolutions-APIG4', why);
        acknowledge(method, 'AwsSolutions-COG4', why);
      } else {
        const method = resource.addMethod(route.method, integration, { authorizer: this.authorizer, authorizationType: apigw.AuthorizationType.CUSTOM });
        acknowledge(method, 'AwsSolutions-COG4', 'The REQUEST authorizer verifies Cognito user pool tokens itself (aws-jwt-verify) as well as API keys: a method takes one authorizer, and every user route accepts both.');
      }
    }
  }

  /** API Gateway's own refusals, in the API's error envelope (services/api/http.ts errorBody). */
  private addGatewayResponses(): void {
    const envelope = (code: string, message: string) => ({ 'application/json': JSON.stringify({ error: { code, message, request_id: '$context.requestId' } }) });
    const responses: Array<[string, apigw.ResponseType, string, string, string]> = [
      ['Unauthorized', apigw.ResponseType.UNAUTHORIZED, '401', 'UNAUTHORIZED', 'Missing or invalid credentials: send X-API-Key: bgak_<key_id>_<secret>, or Authorization: Bearer <JWT>.'],
      ['AccessDenied', apigw.ResponseType.ACCESS_DENIED, '403', 'FORBIDDEN', 'The credentials were refused.'],
      ['NotFound', apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'NOT_FOUND', 'No such endpoint. See /v1/openapi.json for the API.'],
      ['Throttled', apigw.ResponseType.THROTTLED, '429', 'RATE_LIMIT_EXCEEDED', 'Too many requests; retry shortly.'],
      ['WafFiltered', apigw.ResponseType.WAF_FILTERED, '403', 'FORBIDDEN', 'The request was blocked by the firewall (too many requests from this address, or a known bad input).'],
    ];
    for (const [id, type, statusCode, code, message] of responses) this.api.addGatewayResponse(id, { type, statusCode, templates: envelope(code, message) });
  }

  private protect(ratePer5Min: number): wafv2.CfnWebACL {
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const managed = (name: string, priority: number) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    // Not the common rule set: task descriptions legitimately carry code (HTML, SQL, shell), which its XSS and SQLi rules would block.
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('abca-api'),
      rules: [
        { name: 'RatePerIp', priority: 0, action: { block: {} }, statement: { rateBasedStatement: { limit: ratePer5Min, aggregateKeyType: 'IP' } }, visibilityConfig: visibility('RatePerIp') },
        managed('AWSManagedRulesAmazonIpReputationList', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: webAcl.attrArn });
    return webAcl;
  }

  private createUserPool(prefix: string): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${prefix}-users`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      // Users start agents that push to their repositories: a second factor is required.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plus = 'Threat protection needs the Plus feature plan (billed per active user); users are few and administrators create them (no self sign-up), and MFA is required. Enable it for a large user base.';
    acknowledge(pool, 'AwsSolutions-COG3', plus);
    acknowledge(pool, 'AwsSolutions-COG8', plus);
    return pool;
  }
}
