/**
 * The REST API: methods from the API's own route table, the REQUEST authorizer (API keys and
 * Cognito tokens) on every user route, the user pool, throttling, access logs, WAF on the stage.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ALL_ROUTES } from '../../services/api/routes';
import { oneResource, resourcesOf, synthPlatform } from './platform';

const { stack, template } = synthPlatform();
const restApi = stack.resolve(stack.api.api.restApiId);
const stage = stack.api.api.deploymentStage;

test('the REQUEST authorizer: the authorizer function, no identity source, no cache', () => {
  const { resource } = oneResource(template, 'AWS::ApiGateway::Authorizer', { RestApiId: restApi });
  expect(resource.Properties).toMatchObject({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
  expect(resource.Properties.IdentitySource).toBeUndefined();
  expect(JSON.stringify(resource.Properties.AuthorizerUri)).toContain(stack.resolve(stack.api.authorizerFunction.functionArn)['Fn::GetAtt'][0]);
});

test('the authorizer verifies the platform user pool\'s tokens and reads API keys from the event store', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'task-api-authorizer', ABCA_USER_POOL_ID: stack.resolve(stack.api.userPool.userPoolId), ABCA_USER_POOL_CLIENT_ID: stack.resolve(stack.api.userPoolClient.userPoolClientId) }) },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [stack.resolve(stack.api.authorizerFunction.role!.roleName)],
    PolicyDocument: { Statement: [Match.objectLike({ Sid: 'EventStoreRead', Action: ['dynamodb:GetItem', 'dynamodb:Query'] })] },
  });
});

test('the user pool: no self sign-up, strong passwords, MFA required, retained', () => {
  template.hasResource('AWS::Cognito::UserPool', {
    Properties: Match.objectLike({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
    }),
    DeletionPolicy: 'Retain',
  });
  template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
});

test.each(ALL_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: a proxy method with the authorizer unless public', (_name, route) => {
  const resourceId = JSON.stringify(stack.resolve(stack.api.api.root.resourceForPath(route.path).resourceId));
  const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method', { HttpMethod: route.method, RestApiId: restApi })).filter((m) => JSON.stringify(m.Properties.ResourceId) === resourceId);
  expect(methods).toHaveLength(1);
  const props = methods[0]!.Properties;
  expect(props.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
  expect(JSON.stringify(props.Integration.Uri)).toContain(stack.resolve(stack.api.handler.functionArn)['Fn::GetAtt'][0]);
  if (route.auth === 'none') expect([props.AuthorizationType, props.AuthorizerId]).toEqual(['NONE', undefined]);
  else expect([props.AuthorizationType, props.AuthorizerId]).toEqual(['CUSTOM', stack.resolve(stack.api.authorizer.authorizerId)]);
});

test('no method but the routes (unknown paths never reach the function)', () => {
  expect(Object.keys(resourcesOf(template, 'AWS::ApiGateway::Method', { RestApiId: restApi }))).toHaveLength(ALL_ROUTES.length);
});

test('the stage: throttling, JSON access logs to a log group, execution logs without bodies', () => {
  template.hasResourceProperties('AWS::ApiGateway::Stage', {
    RestApiId: restApi,
    StageName: 'prod',
    MethodSettings: [Match.objectLike({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, LoggingLevel: 'ERROR', DataTraceEnabled: false })],
    AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"principal":"\\$context.authorizer.principalId"') },
  });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
});

test('WAF: a regional web ACL with a per-IP rate-based rule, associated with the stage', () => {
  template.hasResourceProperties('AWS::WAFv2::WebACL', {
    Scope: 'REGIONAL',
    DefaultAction: { Allow: {} },
    Rules: Match.arrayWith([Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } } })]),
  });
  template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
    ResourceArn: stack.resolve(stage.stageArn),
    WebACLArn: stack.resolve(stack.api.webAcl.attrArn),
  });
});

test("API Gateway's own refusals use the API's error envelope", () => {
  for (const [type, status] of [['UNAUTHORIZED', '401'], ['MISSING_AUTHENTICATION_TOKEN', '404'], ['THROTTLED', '429'], ['WAF_FILTERED', '403']]) {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"request_id":"\\$context.requestId"') },
    });
  }
});

test('the API function: events (append), views (read), rate limits, webhook secrets under its own prefix only', () => {
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [stack.resolve(stack.api.handler.role!.roleName)],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Sid: 'WebhookSecrets',
          Action: ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':secret:abca/api/\\*$')])] },
        }),
      ]),
    },
  });
});
