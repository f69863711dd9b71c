/**
 * Agent compute: the AgentCore runtime (default) or ECS Fargate (context compute=ecs), on the agent
 * image; the session role the agent runs with, and nothing more than it needs.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { policiesOfRole, resourcesOf, synthPlatform, type Synthesized } from './platform';

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/abca-agent:v1';

/**
 * The session role's statements, exactly: telemetry out, its prompt and nudge inbox in — and on
 * AgentCore, which passes no secrets to the container, the git token secret (read by the agent).
 */
function sessionStatements({ stack, template }: Synthesized, compute: 'agentcore' | 'ecs') {
  const bucket = stack.resolve(stack.blobs.bucket.bucketArn);
  const gitToken = Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret')).find((id) => id.startsWith('GitHubToken'));
  return [
    { Sid: 'Telemetry', Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: stack.resolve(stack.telemetry.stream.streamArn) },
    { Sid: 'OwnPrompt', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [bucket, '/prompts/*']] } },
    { Sid: 'NudgeInbox', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [bucket, '/nudges/*']] } },
    { Sid: 'ListNudgeInbox', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': ['nudges/*'] } } },
    ...(compute === 'agentcore' ? [{ Sid: 'GitToken', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: gitToken } }] : []),
  ];
}

const modelStatements = [
  {
    Sid: 'InvokeClaude',
    Effect: 'Allow',
    Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    Resource: [
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':inference-profile/*anthropic.*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*::foundation-model/anthropic.*']] },
    ],
  },
];

const roleId = (s: Synthesized) => s.stack.resolve(s.stack.compute.sessionRole.roleArn)['Fn::GetAtt'][0] as string;
const policyId = (s: Synthesized, policy: { node: { defaultChild?: unknown } }) => s.stack.resolve((policy.node.defaultChild as { ref: string }).ref).Ref as string;

describe('AgentCore (default)', () => {
  const synth = synthPlatform({ agentImageUri: IMAGE });
  const { stack, template } = synth;

  test('a runtime on the agent image, the session role, HTTP, public network, 8 h sessions', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      AgentRuntimeName: 'abca_agent',
      AgentRuntimeArtifact: { ContainerConfiguration: { ContainerUri: IMAGE } },
      RoleArn: stack.resolve(stack.compute.sessionRole.roleArn),
      NetworkConfiguration: { NetworkMode: 'PUBLIC' },
      ProtocolConfiguration: 'HTTP',
      LifecycleConfiguration: { IdleRuntimeSessionTimeout: 900, MaxLifetime: 28800 },
    });
  });

  test('the session role: assumed by AgentCore of this account only; no managed or inline policies', () => {
    const role = template.toJSON().Resources[roleId(synth)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'bedrock-agentcore.amazonaws.com' }, Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) }),
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
  });

  test('exactly three policies: the session policy, model invocation, and what AgentCore needs to run the image', () => {
    const { [policyId(synth, stack.compute.sessionPolicy)]: session, [policyId(synth, stack.compute.modelPolicy)]: model, ...others } = policiesOfRole(template, roleId(synth));
    expect(session).toEqual(sessionStatements(synth, 'agentcore'));
    expect(model).toEqual(modelStatements);
    expect(Object.keys(others)).toHaveLength(1);
    const runtime = Object.values(others)[0]!;
    expect(runtime.map((s) => [s.Sid, s.Action])).toEqual([
      ['PullAgentImage', ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']],
      ['EcrToken', 'ecr:GetAuthorizationToken'],
      ['RuntimeLogs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']],
    ]);
    expect(JSON.stringify(runtime[0]!.Resource)).toContain(':repository/abca-agent');
  });

  test('only the services that use compute may start and stop sessions, on this runtime', () => {
    const runtimeArn = stack.resolve(stack.compute.runtime!.attrAgentRuntimeArn);
    const allowed = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('bedrock-agentcore:InvokeAgentRuntime'));
    expect(allowed).toHaveLength(3); // session, cancellation, watchdog
    for (const p of allowed) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual({
        Sid: 'AgentCoreSessions',
        Effect: 'Allow',
        Action: ['bedrock-agentcore:InvokeAgentRuntime', 'bedrock-agentcore:StopRuntimeSession'],
        Resource: [runtimeArn, { 'Fn::Join': ['', [runtimeArn, '/*']] }],
      });
    }
  });
});

describe('the image built from agent/image when no URI is given', () => {
  const { stack } = synthPlatform();
  test('a Docker image asset for linux/arm64 from the Dockerfile (staged, built at deploy)', () => {
    const uri = JSON.stringify(stack.resolve(stack.compute.runtime!.agentRuntimeArtifact));
    expect(uri).toContain('container-assets');
  });
});

describe('ECS Fargate (context compute=ecs)', () => {
  const synth = synthPlatform({ compute: 'ecs', agentImageUri: IMAGE });
  const { stack, template } = synth;

  test('no AgentCore runtime; an arm64 Fargate task whose task role is the session role', () => {
    expect(resourcesOf(template, 'AWS::BedrockAgentCore::Runtime')).toEqual({});
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      TaskRoleArn: stack.resolve(stack.compute.sessionRole.roleArn),
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'agent',
          Image: Match.anyValue(),
          StopTimeout: 45,
          Secrets: [{ Name: 'ABCA_GIT_TOKEN', ValueFrom: Match.anyValue() }],
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test('the session role: assumed by ECS tasks; the session policy and model invocation, nothing else', () => {
    const role = template.toJSON().Resources[roleId(synth)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(policiesOfRole(template, roleId(synth))).toEqual({
      [policyId(synth, stack.compute.sessionPolicy)]: sessionStatements(synth, 'ecs'),
      [policyId(synth, stack.compute.modelPolicy)]: modelStatements,
    });
  });

  test('the GitHub token is read by the execution role, never by the agent\'s', () => {
    const executionRole = stack.resolve(stack.compute.taskDefinition!.obtainExecutionRole().roleArn)['Fn::GetAtt'][0];
    const reads = (role: string) => Object.values(policiesOfRole(template, role)).flat().some((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(reads(executionRole)).toBe(true);
    expect(reads(roleId(synth))).toBe(false);
  });

  test('services reach the cluster: RunTask on the task definition, Stop/Describe/List in the cluster, PassRole to ECS', () => {
    const cluster = stack.resolve(stack.compute.cluster!.clusterArn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(stack.services.get('session')!.function.role!.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'EcsRunAgent', Action: 'ecs:RunTask', Resource: stack.resolve(stack.compute.taskDefinition!.taskDefinitionArn), Condition: { ArnEquals: { 'ecs:cluster': cluster } } }),
          Match.objectLike({ Sid: 'EcsAgentTasks', Condition: { ArnEquals: { 'ecs:cluster': cluster } } }),
          Match.objectLike({ Sid: 'EcsPassAgentRoles', Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }),
        ]),
      },
    });
  });

  test('a VPC with flow logs; agents in private subnets behind one NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });
});
