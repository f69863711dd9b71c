/**
 * CreateConnection, DescribeConnection, ListConnections, DeleteConnection, CreateApiDestination,
 * DescribeApiDestination, ListApiDestinations, DeleteApiDestination. Secrets (API key value,
 * password, client secret, secret parameters) are kept in the state file — local use only — and
 * never returned.
 */
import { randomUUID } from 'node:crypto';
import { apiDestinationArn, connectionArn, resourceNameOf } from '../arns';
import { alreadyExists, notFound, validation } from '../errors';
import type { ApiDestinationRecord, AuthorizationType, ConnectionAuthParameters, ConnectionHttpParameters, ConnectionRecord, KeyValue } from '../model';
import { nowSeconds } from '../store';
import { compact, type ApiContext, type Handler } from './context';
import { NAME, optEnum, optInt, optObject, optString, paginate, reqString, type Req } from './validate';

const AUTH_TYPES: AuthorizationType[] = ['API_KEY', 'BASIC', 'OAUTH_CLIENT_CREDENTIALS'];
const METHODS = ['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'];

const name64 = (req: Req) => reqString(req, 'Name', { max: 64, pattern: NAME });

function requireConnection(ctx: ApiContext, nameOrArn: string): ConnectionRecord {
  const c = ctx.store.connections.get(resourceNameOf(nameOrArn, 'connection'));
  if (!c) throw notFound(`Failed to describe the connection(s). Connection '${nameOrArn}' does not exist.`);
  return c;
}

function requireApiDestination(ctx: ApiContext, name: string): ApiDestinationRecord {
  const d = ctx.store.apiDestinations.get(name);
  if (!d) throw notFound(`Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`);
  return d;
}

function readKeyValues(list: unknown, where: string): KeyValue[] | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw validation(`Parameter ${where} must be a list.`);
  return list.map((p: Req) => ({ Key: reqString(p, 'Key', { max: 512 }), Value: reqString(p, 'Value', { max: 512 }), ...(p.IsValueSecret !== undefined ? { IsValueSecret: p.IsValueSecret === true } : {}) }));
}

function readHttpParameters(o: Req | undefined, where: string): ConnectionHttpParameters | undefined {
  if (!o) return undefined;
  return compact({
    HeaderParameters: readKeyValues(o.HeaderParameters, `${where}.HeaderParameters`),
    QueryStringParameters: readKeyValues(o.QueryStringParameters, `${where}.QueryStringParameters`),
    BodyParameters: readKeyValues(o.BodyParameters, `${where}.BodyParameters`),
  });
}

function readAuth(type: AuthorizationType, auth: Req): ConnectionAuthParameters {
  const out: ConnectionAuthParameters = {};
  if (type === 'API_KEY') {
    const p = optObject(auth, 'ApiKeyAuthParameters');
    if (!p) throw validation('ApiKeyAuthParameters are required when AuthorizationType is API_KEY.');
    out.ApiKeyAuthParameters = { ApiKeyName: reqString(p, 'ApiKeyName', { max: 512 }), ApiKeyValue: reqString(p, 'ApiKeyValue', { max: 512 }) };
  } else if (type === 'BASIC') {
    const p = optObject(auth, 'BasicAuthParameters');
    if (!p) throw validation('BasicAuthParameters are required when AuthorizationType is BASIC.');
    out.BasicAuthParameters = { Username: reqString(p, 'Username', { max: 512 }), Password: reqString(p, 'Password', { max: 512 }) };
  } else {
    const p = optObject(auth, 'OAuthParameters');
    if (!p) throw validation('OAuthParameters are required when AuthorizationType is OAUTH_CLIENT_CREDENTIALS.');
    const client = optObject(p, 'ClientParameters');
    if (!client) throw validation('OAuthParameters.ClientParameters are required.');
    out.OAuthParameters = compact({
      ClientParameters: { ClientID: reqString(client, 'ClientID', { max: 512 }), ClientSecret: reqString(client, 'ClientSecret', { max: 512 }) },
      AuthorizationEndpoint: reqString(p, 'AuthorizationEndpoint', { max: 2048 }),
      HttpMethod: optEnum(p, 'HttpMethod', ['GET', 'POST', 'PUT']) ?? 'POST',
      OAuthHttpParameters: readHttpParameters(optObject(p, 'OAuthHttpParameters'), 'OAuthHttpParameters'),
    });
  }
  out.InvocationHttpParameters = readHttpParameters(optObject(auth, 'InvocationHttpParameters'), 'InvocationHttpParameters');
  return compact(out);
}

/** Parameters as DescribeConnection shows them: secret values left out. */
function publicHttpParameters(p: ConnectionHttpParameters | undefined): ConnectionHttpParameters | undefined {
  if (!p) return undefined;
  const hide = (list: KeyValue[] | undefined) => list?.map((kv) => (kv.IsValueSecret ? { Key: kv.Key, IsValueSecret: true } : kv)) as KeyValue[] | undefined;
  return compact({ HeaderParameters: hide(p.HeaderParameters), QueryStringParameters: hide(p.QueryStringParameters), BodyParameters: hide(p.BodyParameters) });
}

function publicAuth(a: ConnectionAuthParameters): unknown {
  return compact({
    ApiKeyAuthParameters: a.ApiKeyAuthParameters && { ApiKeyName: a.ApiKeyAuthParameters.ApiKeyName },
    BasicAuthParameters: a.BasicAuthParameters && { Username: a.BasicAuthParameters.Username },
    OAuthParameters:
      a.OAuthParameters &&
      compact({
        ClientParameters: { ClientID: a.OAuthParameters.ClientParameters.ClientID },
        AuthorizationEndpoint: a.OAuthParameters.AuthorizationEndpoint,
        HttpMethod: a.OAuthParameters.HttpMethod,
        OAuthHttpParameters: publicHttpParameters(a.OAuthParameters.OAuthHttpParameters),
      }),
    InvocationHttpParameters: publicHttpParameters(a.InvocationHttpParameters),
  });
}

export const createConnection: Handler = async (req, ctx) => {
  const name = name64(req);
  const description = optString(req, 'Description', { max: 512 });
  const type = optEnum(req, 'AuthorizationType', AUTH_TYPES);
  if (!type) throw validation("1 validation error detected: Value null at 'authorizationType' failed to satisfy constraint: Member must not be null");
  const auth = optObject(req, 'AuthParameters');
  if (!auth) throw validation("1 validation error detected: Value null at 'authParameters' failed to satisfy constraint: Member must not be null");
  if (ctx.store.connections.has(name)) throw alreadyExists(`Connection ${name} already exists.`);
  const t = nowSeconds();
  const conn: ConnectionRecord = compact({
    Name: name,
    ConnectionArn: connectionArn(ctx.scope, name, randomUUID()),
    Description: description,
    AuthorizationType: type,
    AuthParameters: readAuth(type, auth),
    ConnectionState: 'AUTHORIZED' as const,
    CreationTime: t,
    LastModifiedTime: t,
    LastAuthorizedTime: t,
  });
  ctx.store.connections.set(name, conn);
  await ctx.store.persist();
  return { ConnectionArn: conn.ConnectionArn, ConnectionState: conn.ConnectionState, CreationTime: t, LastModifiedTime: t };
};

export const describeConnection: Handler = (req, ctx) => {
  const c = requireConnection(ctx, name64(req));
  return compact({
    ConnectionArn: c.ConnectionArn,
    Name: c.Name,
    Description: c.Description,
    ConnectionState: c.ConnectionState,
    AuthorizationType: c.AuthorizationType,
    AuthParameters: publicAuth(c.AuthParameters),
    CreationTime: c.CreationTime,
    LastModifiedTime: c.LastModifiedTime,
    LastAuthorizedTime: c.LastAuthorizedTime,
  });
};

export const listConnections: Handler = (req, ctx) => {
  const prefix = optString(req, 'NamePrefix', { max: 64 }) ?? '';
  const state = optString(req, 'ConnectionState');
  const list = [...ctx.store.connections.values()].filter((c) => c.Name.startsWith(prefix) && (!state || c.ConnectionState === state)).sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const { page, NextToken } = paginate(req, list);
  return compact({
    Connections: page.map((c) => ({
      ConnectionArn: c.ConnectionArn,
      Name: c.Name,
      ConnectionState: c.ConnectionState,
      AuthorizationType: c.AuthorizationType,
      CreationTime: c.CreationTime,
      LastModifiedTime: c.LastModifiedTime,
      LastAuthorizedTime: c.LastAuthorizedTime,
    })),
    NextToken,
  });
};

export const deleteConnection: Handler = async (req, ctx) => {
  const c = requireConnection(ctx, name64(req));
  ctx.store.connections.delete(c.Name);
  await ctx.store.persist();
  return { ConnectionArn: c.ConnectionArn, ConnectionState: 'DELETING', CreationTime: c.CreationTime, LastModifiedTime: nowSeconds(), LastAuthorizedTime: c.LastAuthorizedTime };
};

export const createApiDestination: Handler = async (req, ctx) => {
  const name = name64(req);
  const description = optString(req, 'Description', { max: 512 });
  const connArn = reqString(req, 'ConnectionArn', { max: 1600 });
  const endpoint = reqString(req, 'InvocationEndpoint', { max: 2048 });
  const method = optEnum(req, 'HttpMethod', METHODS);
  if (!method) throw validation("1 validation error detected: Value null at 'httpMethod' failed to satisfy constraint: Member must not be null");
  const rate = optInt(req, 'InvocationRateLimitPerSecond', 1, 2147483647);
  // AWS requires https; locally http is allowed so tests and local services can be endpoints.
  if (!/^https?:\/\/\S+$/.test(endpoint)) throw validation('Parameter InvocationEndpoint is not valid. Reason: it must be an http(s) URL.');
  const conn = [...ctx.store.connections.values()].find((c) => c.ConnectionArn === connArn);
  if (!conn) throw notFound(`Connection '${connArn}' does not exist.`);
  if (ctx.store.apiDestinations.has(name)) throw alreadyExists(`An api-destination '${name}' already exists.`);
  const t = nowSeconds();
  const dest: ApiDestinationRecord = compact({
    Name: name,
    ApiDestinationArn: apiDestinationArn(ctx.scope, name, randomUUID()),
    Description: description,
    ConnectionArn: connArn,
    InvocationEndpoint: endpoint,
    HttpMethod: method,
    InvocationRateLimitPerSecond: rate ?? 300,
    ApiDestinationState: 'ACTIVE' as const,
    CreationTime: t,
    LastModifiedTime: t,
  });
  ctx.store.apiDestinations.set(name, dest);
  await ctx.store.persist();
  return { ApiDestinationArn: dest.ApiDestinationArn, ApiDestinationState: dest.ApiDestinationState, CreationTime: t, LastModifiedTime: t };
};

export const describeApiDestination: Handler = (req, ctx) => ({ ...requireApiDestination(ctx, name64(req)) });

export const listApiDestinations: Handler = (req, ctx) => {
  const prefix = optString(req, 'NamePrefix', { max: 64 }) ?? '';
  const connArn = optString(req, 'ConnectionArn');
  const list = [...ctx.store.apiDestinations.values()].filter((d) => d.Name.startsWith(prefix) && (!connArn || d.ConnectionArn === connArn)).sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const { page, NextToken } = paginate(req, list);
  return compact({
    ApiDestinations: page.map((d) => compact({ ...d, Description: undefined })),
    NextToken,
  });
};

export const deleteApiDestination: Handler = async (req, ctx) => {
  const d = requireApiDestination(ctx, name64(req));
  ctx.store.apiDestinations.delete(d.Name);
  await ctx.store.persist();
  return {};
};
