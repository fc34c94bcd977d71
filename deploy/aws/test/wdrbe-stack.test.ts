// The synthesized template of deploy/aws, checked resource by resource
// against what the deployment promises (docs/deploy-aws.md): the table in
// the AWS backend's layout, the queue and its DLQ, the two functions and
// their event source, API Gateway, the photos' bucket, the secret,
// least-privilege roles, the four alarms and the dashboard.
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  API_IMAGE_ACTIONS,
  API_IMAGE_BUCKET_ACTIONS,
  API_TABLE_ACTIONS,
  TABLE_INDEXES,
  WORKER_TABLE_ACTIONS,
  WdrbeStack,
} from '../lib/wdrbe-stack';

const sourceDirectory = path.resolve(__dirname, '..', '..', '..', '..');

type Props = Partial<ConstructorParameters<typeof WdrbeStack>[2]>;

// The template, and the directory of the cloud assembly it came from.
function synthesizeApp(props: Props = {}): { template: Template; outdir: string } {
  const app = new App();
  const stack = new WdrbeStack(app, 'Test', { sourceDirectory, ...props });
  return { template: Template.fromStack(stack), outdir: app.outdir };
}

function synthesize(props: Props = {}): Template {
  return synthesizeApp(props).template;
}

const main = synthesizeApp();
const template = main.template;
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: any }>;

function only(type: string): { id: string; properties: any } {
  const found = Object.entries(resources).filter(([, r]) => r.Type === type);
  assert.equal(found.length, 1, `one ${type}`);
  return { id: found[0][0], properties: found[0][1].Properties };
}

function functionNamed(description: string): { id: string; properties: any } {
  const found = Object.entries(resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Description?.startsWith(description),
  );
  assert.equal(found.length, 1, description);
  return { id: found[0][0], properties: found[0][1].Properties };
}

// Every statement of the inline policies of the role of function `id`.
function statementsOf(functionId: string): any[] {
  const role = resources[functionId].Properties.Role['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: any[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

test('exactly the resources of the original stack', () => {
  const expected: Record<string, number> = {
    'AWS::DynamoDB::Table': 1,
    'AWS::SQS::Queue': 2,
    'AWS::Lambda::Function': 2,
    'AWS::Lambda::EventSourceMapping': 1,
    'AWS::ApiGateway::RestApi': 1,
    'AWS::ApiGateway::Stage': 1,
    'AWS::SecretsManager::Secret': 1,
    'AWS::CloudWatch::Alarm': 4,
    'AWS::CloudWatch::Dashboard': 1,
    'AWS::SNS::Topic': 1,
    'AWS::S3::Bucket': 1,
    'AWS::S3::BucketPolicy': 1,
  };
  for (const [type, count] of Object.entries(expected)) template.resourceCountIs(type, count);
});

test('the table has the AWS backend layout, on demand, with PITR, a stream and TTL, and is retained', () => {
  const table = Object.entries(resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')!;
  assert.equal((resources[table[0]] as any).DeletionPolicy, 'Retain');
  assert.equal((resources[table[0]] as any).UpdateReplacePolicy, 'Retain');
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    TableName: 'WardrobeTable',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    TimeToLiveSpecification: { AttributeName: 'ExpiresAt', Enabled: true },
  });
  const indexes = only('AWS::DynamoDB::Table').properties.GlobalSecondaryIndexes;
  assert.deepEqual(
    indexes.map((i: any) => i.IndexName),
    TABLE_INDEXES,
  );
  for (const index of indexes) {
    assert.deepEqual(index.KeySchema, [
      { AttributeName: `${index.IndexName}PK`, KeyType: 'HASH' },
      { AttributeName: `${index.IndexName}SK`, KeyType: 'RANGE' },
    ]);
    assert.deepEqual(index.Projection, { ProjectionType: 'ALL' });
  }
});

test('the share queue dead-letters after 3 receives, and outlasts the worker timeout', () => {
  template.hasResourceProperties('AWS::SQS::Queue', {
    QueueName: 'wdrbe-share-events',
    VisibilityTimeout: 360,
    RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
    SqsManagedSseEnabled: true,
  });
  template.hasResourceProperties('AWS::SQS::Queue', {
    QueueName: 'wdrbe-share-events-dlq',
    MessageRetentionPeriod: 14 * 24 * 3600,
  });
});

test('the functions: one image, the command picks api or worker, memory and timeouts as the original', () => {
  const api = functionNamed('wdrbe lambda api').properties;
  const worker = functionNamed('wdrbe lambda worker').properties;
  assert.equal(api.PackageType, 'Image');
  assert.deepEqual(api.ImageConfig, { Command: ['api'] });
  assert.deepEqual(worker.ImageConfig, { Command: ['worker'] });
  assert.deepEqual(api.Code, worker.Code, 'one image for both');
  assert.equal(api.MemorySize, 512);
  assert.equal(api.Timeout, 30);
  assert.equal(worker.MemorySize, 256);
  assert.equal(worker.Timeout, 60);
  for (const fn of [api, worker]) {
    assert.deepEqual(fn.TracingConfig, { Mode: 'Active' });
    assert.deepEqual(fn.Architectures, ['x86_64']);
    assert.equal(fn.Environment.Variables.WDRBE_BACKEND, 'aws');
    for (const name of ['WDRBE_TABLE', 'WDRBE_QUEUE_URL', 'WDRBE_DEAD_LETTER_QUEUE_URL']) {
      assert.ok(fn.Environment.Variables[name], name);
    }
  }
  // The `service` dimension of each function's EMF metrics.
  assert.equal(api.Environment.Variables.WDRBE_SERVICE_NAME, 'wdrbe-api');
  assert.equal(worker.Environment.Variables.WDRBE_SERVICE_NAME, 'wdrbe-worker');
  assert.ok(api.Environment.Variables.WDRBE_JWT_SECRET_ARN.Ref, 'the secret by reference');
  assert.equal(worker.Environment.Variables.WDRBE_JWT_SECRET_ARN, undefined);
});

test('the image is the lambda stage of the service Containerfile, with only the sources in its context', () => {
  const assets = JSON.parse(
    fs.readFileSync(path.join(main.outdir, 'Test.assets.json'), 'utf8'),
  );
  const images = Object.values(assets.dockerImages) as any[];
  assert.equal(images.length, 1, 'one image for both functions');
  assert.equal(images[0].source.dockerFile, 'deploy/container/Containerfile');
  assert.equal(images[0].source.dockerBuildTarget, 'lambda');
});

test('arm64 is one context value away', () => {
  const arm = synthesize({ architecture: 'arm64' });
  arm.allResourcesProperties('AWS::Lambda::Function', Match.objectLike({ Architectures: ['arm64'] }));
});

test('the worker takes batches of 10, reports failed records, at most 10 at once', () => {
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BatchSize: 10,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 10 },
    FunctionName: { Ref: functionNamed('wdrbe lambda worker').id },
  });
});

test('API Gateway: REST, proxy to the API function, throttled 500/1000, traced, access-logged', () => {
  template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'wdrbe' });
  template.hasResourceProperties('AWS::ApiGateway::Stage', {
    StageName: 'prod',
    TracingEnabled: true,
    AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
    MethodSettings: [
      Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
    ],
  });
  template.hasResourceProperties('AWS::ApiGateway::Method', {
    HttpMethod: 'ANY',
    Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
  });
  template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
    ResponseType: 'DEFAULT_4XX',
    ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
  });
});

test('least privilege: each function has only the calls it makes, on its resources', () => {
  const api = statementsOf(functionNamed('wdrbe lambda api').id);
  const worker = statementsOf(functionNamed('wdrbe lambda worker').id);
  for (const statement of [...api, ...worker]) {
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    assert.ok(!actions.some((a: string) => a.endsWith(':*') || a === '*'), `no wildcard action: ${actions}`);
    // X-Ray's PutTraceSegments/PutTelemetryRecords take no resource.
    if (!actions.every((a: string) => a.startsWith('xray:'))) {
      assert.notEqual(statement.Resource, '*', `a resource for ${actions}`);
    }
  }
  const apiActions = actionsOf(api);
  const workerActions = actionsOf(worker);
  for (const action of API_TABLE_ACTIONS) assert.ok(apiActions.includes(action), action);
  for (const action of WORKER_TABLE_ACTIONS) assert.ok(workerActions.includes(action), action);
  assert.ok(apiActions.includes('sqs:SendMessage'));
  assert.ok(apiActions.includes('secretsmanager:GetSecretValue'));
  assert.ok(!apiActions.includes('sqs:ReceiveMessage'), 'the API never receives');
  assert.ok(!apiActions.includes('sqs:DeleteMessage'));
  assert.ok(workerActions.includes('sqs:ReceiveMessage'), 'the event source receives as the worker');
  assert.ok(workerActions.includes('sqs:DeleteMessage'));
  assert.ok(!workerActions.includes('sqs:SendMessage'), 'the worker never sends');
  assert.ok(!workerActions.includes('dynamodb:Query'), 'the worker never lists');
  assert.ok(!workerActions.includes('secretsmanager:GetSecretValue'), 'the worker takes no token');
  for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteTable', 'dynamodb:BatchWriteItem']) {
    assert.ok(!apiActions.includes(forbidden) && !workerActions.includes(forbidden), forbidden);
  }
});

test('the photos bucket is private, SSE-S3 encrypted, TLS only, owner-enforced and retained', () => {
  const bucket = only('AWS::S3::Bucket');
  assert.equal((resources[bucket.id] as any).DeletionPolicy, 'Retain');
  assert.equal((resources[bucket.id] as any).UpdateReplacePolicy, 'Retain');
  assert.deepEqual(bucket.properties.PublicAccessBlockConfiguration, {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  });
  assert.deepEqual(bucket.properties.BucketEncryption, {
    ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
  });
  assert.deepEqual(bucket.properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  assert.equal(bucket.properties.BucketName, undefined, 'a generated name unless one is given');
  const policy = only('AWS::S3::BucketPolicy').properties;
  assert.deepEqual(policy.Bucket, { Ref: bucket.id });
  const denyPlainHttp = policy.PolicyDocument.Statement.find((s: any) => s.Effect === 'Deny');
  assert.ok(denyPlainHttp, 'a Deny statement');
  assert.deepEqual(denyPlainHttp.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  assert.equal(denyPlainHttp.Action, 's3:*');

  const named = synthesize({ imageBucketName: 'wdrbe-photos-example' });
  named.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'wdrbe-photos-example' });
});

test('only the API function may put, get and delete photos, under images/ only, and knows the bucket', () => {
  const bucketId = only('AWS::S3::Bucket').id;
  const api = functionNamed('wdrbe lambda api');
  const worker = functionNamed('wdrbe lambda worker');
  assert.deepEqual(api.properties.Environment.Variables.WDRBE_IMAGE_BUCKET, { Ref: bucketId });
  assert.equal(worker.properties.Environment.Variables.WDRBE_IMAGE_BUCKET, undefined);

  const s3Statements = statementsOf(api.id).filter((s) =>
    (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a: string) => a.startsWith('s3:')),
  );
  assert.equal(s3Statements.length, 2, 'the objects, and the bucket for ListBucket');
  const objects = s3Statements.find((s) => s.Sid === 'Images');
  assert.deepEqual(actionsOf([objects]), [...API_IMAGE_ACTIONS].sort());
  assert.deepEqual(objects.Resource, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/images/*']] });
  // So that a missing photo is 404, not 403; the bucket holds nothing but photos.
  const keys = s3Statements.find((s) => s.Sid === 'ImageKeys');
  assert.deepEqual(actionsOf([keys]), [...API_IMAGE_BUCKET_ACTIONS]);
  assert.deepEqual(keys.Resource, { 'Fn::GetAtt': [bucketId, 'Arn'] });
  assert.deepEqual(actionsOf(s3Statements), [...API_IMAGE_ACTIONS, ...API_IMAGE_BUCKET_ACTIONS].sort());
  assert.ok(
    !actionsOf(statementsOf(worker.id)).some((a) => a.startsWith('s3:')),
    'the worker has no access to the photos',
  );
});

test('API Gateway passes every body through as binary, so photos arrive and leave whole', () => {
  template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
});

test('the JWT secret is generated by Secrets Manager: no value anywhere in the template', () => {
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
  });
  const secret = only('AWS::SecretsManager::Secret').properties;
  assert.equal(secret.SecretString, undefined);
  const text = JSON.stringify(template.toJSON());
  assert.ok(!text.includes('WDRBE_JWT_SECRET"'), 'no secret in an environment variable');
  assert.ok(!text.includes('WDRBE_JWT_SECRET_FILE'));
});

test('with a JWKS issuer (Cognito) there is no secret and the function verifies with its keys', () => {
  const jwks = synthesize({
    jwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example/.well-known/jwks.json',
    jwtIssuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
  });
  jwks.resourceCountIs('AWS::SecretsManager::Secret', 0);
  jwks.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({
        WDRBE_JWKS_URL: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example/.well-known/jwks.json',
        WDRBE_JWT_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
      }),
    },
  });
});

test('an existing table (restored from PITR) is used instead of a new one', () => {
  const restored = synthesize({ existingTableName: 'WardrobeTable-restored' });
  restored.resourceCountIs('AWS::DynamoDB::Table', 0);
  const json = JSON.stringify(restored.toJSON());
  assert.ok(json.includes('table/WardrobeTable-restored'), 'the roles name the restored table');
  assert.ok(json.includes('table/WardrobeTable-restored/index/*'), 'and its indexes');
  restored.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ WDRBE_TABLE: 'WardrobeTable-restored' }) },
  });
});

test('the four alarms of the original, sent to one topic', () => {
  const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const byName = new Map(alarms.map((a) => [a.Properties.AlarmName, a.Properties]));
  assert.deepEqual([...byName.keys()].sort(), ['Test-Api5xx', 'Test-ApiErrors', 'Test-DeadLetters', 'Test-WorkerErrors']);
  // Invocation errors plus the EMF metric of what Lambda cannot see.
  const stats = (alarm: any): string[] =>
    alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => {
      const metric = m.MetricStat.Metric;
      return [metric.Namespace, metric.MetricName, ...(metric.Dimensions ?? []).map((d: any) => d.Value)].join(' ');
    });
  const apiErrors = byName.get('Test-ApiErrors');
  assert.equal(apiErrors.Metrics.find((m: any) => m.Expression).Expression, 'FILL(invocationErrors, 0) + FILL(reported, 0)');
  assert.ok(stats(apiErrors).some((s) => s.startsWith('AWS/Lambda Errors')), stats(apiErrors).join());
  assert.ok(stats(apiErrors).includes('Wdrbe UnhandledErrors wdrbe-api'), stats(apiErrors).join());
  const workerErrors = byName.get('Test-WorkerErrors');
  assert.ok(stats(workerErrors).some((s) => s.startsWith('AWS/Lambda Errors')), stats(workerErrors).join());
  assert.ok(stats(workerErrors).includes('Wdrbe FailedRecords wdrbe-worker'), stats(workerErrors).join());
  assert.equal(byName.get('Test-DeadLetters').MetricName, 'ApproximateNumberOfMessagesVisible');
  assert.equal(byName.get('Test-DeadLetters').Threshold, 0);
  assert.equal(byName.get('Test-Api5xx').MetricName, '5XXError');
  const topic = only('AWS::SNS::Topic').id;
  for (const alarm of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
});

test('a dashboard of the API, the functions, the queue and the table', () => {
  const body = JSON.stringify(only('AWS::CloudWatch::Dashboard').properties.DashboardBody);
  for (const metric of ['5XXError', 'Latency', 'Invocations', 'Duration', 'ApproximateAgeOfOldestMessage',
                        'ConsumedWriteCapacityUnits']) {
    assert.ok(body.includes(metric), metric);
  }
  // The business metrics of both functions, from their EMF lines.
  for (const metric of ['ItemCreated', 'ItemCreatedIdempotent', 'ItemsListed', 'ShareEventsEnqueued',
                        'UnhandledErrors', 'ShareEventsProcessed', 'SuccessfulRecords', 'FailedRecords',
                        'ItemNotFound', 'BatchSize']) {
    assert.ok(body.includes(`\\"Wdrbe\\",\\"${metric}\\"`), metric);
  }
});
