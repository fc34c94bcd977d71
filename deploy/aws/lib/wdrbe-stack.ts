// The first implementation's AWS stack, for this binary: API Gateway (REST)
// -> the API function (`wdrbe lambda api`) -> DynamoDB + SQS (+ S3 for item
// photos) -> the worker function (`wdrbe lambda worker`), with the
// dead-letter queue, the JWT secret, least-privilege roles, the original's
// four alarms and a dashboard.
// docs/deploy-aws.md says how to deploy, configure, roll back and restore.
import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  StackProps,
  aws_apigateway as apigateway,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_dynamodb as dynamodb,
  aws_ecr_assets as ecrAssets,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_event_sources as eventSources,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_sqs as sqs,
  IgnoreMode,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

// The table layout of the AWS backend (src/wdrbe/storage/dynamodb/
// table_layout.hpp): keys PK/SK and five global indexes GSIn on
// GSInPK/GSInSK, all projecting every attribute; ExpiresAt is the TTL of
// idempotency records. `wdrbe aws setup` makes the same table.
export const TABLE_INDEXES = ['GSI1', 'GSI2', 'GSI3', 'GSI4', 'GSI5'];
export const TTL_ATTRIBUTE = 'ExpiresAt';

// The functions' EMF metrics (src/wdrbe/observability/emf.hpp): namespace
// Wdrbe, the `service` dimension set from WDRBE_SERVICE_NAME.
export const EMF_NAMESPACE = 'Wdrbe';
export const API_SERVICE = 'wdrbe-api';
export const WORKER_SERVICE = 'wdrbe-worker';

// What the two functions may do: the calls the backend makes
// (docs/aws-backend.md, "IAM"), split by function.
export const API_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:Query',
  'dynamodb:DescribeTable',
];
// The worker applies shares (transactions of gets, puts, updates and
// condition checks) and never lists.
export const WORKER_TABLE_ACTIONS = API_TABLE_ACTIONS.filter((action) => action !== 'dynamodb:Query');

// Item photos (src/wdrbe/storage/s3/s3_image_store.hpp): objects
// images/{itemId}/original and images/{itemId}/thumbnail, written, read and
// deleted by the API function only. s3:ListBucket (on the bucket) is what
// makes S3 answer 404 for a photo that does not exist: without it S3 hides
// which keys exist and answers 403, and a missing photo would be an error.
export const IMAGE_KEY_PATTERN = 'images/*';
export const API_IMAGE_ACTIONS = ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'];
export const API_IMAGE_BUCKET_ACTIONS = ['s3:ListBucket'];
// API Gateway turns a base64 body from the function into binary only when
// the request's Accept header (its first type) matches one of these, and
// hands the function base64 bodies of requests whose Content-Type does;
// browsers ask for images with "image/avif,image/webp,..." or "*/*", so
// only "*/*" makes every photo binary. The function decodes base64 request
// bodies and base64-encodes only responses that are not text
// (src/wdrbe/lambda/api_gateway_event.cpp), so JSON is unchanged.
export const BINARY_MEDIA_TYPES = ['*/*'];

export interface WdrbeStackProps extends StackProps {
  // The functions' CPU architecture (the image is built for it).
  readonly architecture?: 'x86_64' | 'arm64';
  // RS256/ES256 tokens from an issuer's JWKS (a Cognito user pool:
  // https://cognito-idp.REGION.amazonaws.com/POOL_ID/.well-known/jwks.json).
  // Without it, HS256 tokens signed with a generated Secrets Manager secret.
  readonly jwksUrl?: string;
  readonly jwtIssuer?: string;
  readonly jwtAudience?: string;
  // `--cors-origins` of the API function: "*" or a comma-separated list.
  readonly corsOrigins?: string;
  // Where the alarms are sent (an SNS topic is made either way).
  readonly alarmEmail?: string;
  readonly tableName?: string;
  // Use this table instead of making one: a table restored from
  // point-in-time recovery, or one `wdrbe aws setup` made. Its layout must
  // be the AWS backend's (the functions check it at start).
  readonly existingTableName?: string;
  readonly queueName?: string;
  // The photos' bucket name; CloudFormation generates one when not given
  // (bucket names are global across AWS accounts).
  readonly imageBucketName?: string;
  // The repository root: the image is built from it (deploy/container/Containerfile, stage lambda).
  readonly sourceDirectory: string;
}

export class WdrbeStack extends Stack {
  readonly table: dynamodb.ITable;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly imageBucket: s3.Bucket;
  readonly apiFunction: lambda.DockerImageFunction;
  readonly workerFunction: lambda.DockerImageFunction;
  readonly api: apigateway.LambdaRestApi;
  readonly jwtSecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: WdrbeStackProps) {
    super(scope, id, props);
    const arm = props.architecture === 'arm64';
    const corsOrigins = props.corsOrigins ?? '*';
    const queueName = props.queueName ?? 'wdrbe-share-events';

    this.table = props.existingTableName
      ? dynamodb.Table.fromTableAttributes(this, 'Table', {
          tableName: props.existingTableName,
          globalIndexes: TABLE_INDEXES,
        })
      : WdrbeStack.makeTable(this, props.tableName ?? 'WardrobeTable');

    this.deadLetterQueue = new sqs.Queue(this, 'ShareEventsDeadLetters', {
      queueName: `${queueName}-dlq`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'ShareEvents', {
      queueName,
      // Lambda requires at least the worker's timeout (60 s); AWS advises
      // six times it, so that retries within one batch's life still fit.
      visibilityTimeout: Duration.seconds(360),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    // Private, encrypted at rest (SSE-S3) and reachable over TLS only; like
    // the table, it outlives the stack: the photos are the users'.
    this.imageBucket = new s3.Bucket(this, 'Images', {
      bucketName: props.imageBucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // HS256 unless an issuer's JWKS is given. The value is generated by
    // Secrets Manager at deploy time and read by the API function at start
    // (WDRBE_JWT_SECRET_ARN): it is never in the template or the function's
    // configuration.
    if (!props.jwksUrl) {
      this.jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
        description: 'wdrbe: the HS256 secret that signs and verifies bearer tokens',
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    // One image for both functions (the `lambda` stage of the service's
    // Containerfile): the command picks the function.
    const image = (command: string) =>
      lambda.DockerImageCode.fromImageAsset(props.sourceDirectory, {
        file: 'deploy/container/Containerfile',
        target: 'lambda',
        cmd: [command],
        platform: arm ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
        // Only what the build needs (as Containerfile.dockerignore says),
        // and the Containerfile itself.
        ignoreMode: IgnoreMode.DOCKER,
        exclude: ['*', '!CMakeLists.txt', '!CMakePresets.json', '!cmake', '!src', '!bench', '!deploy/container'],
      });
    const architecture = arm ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
    const backendEnvironment = {
      WDRBE_BACKEND: 'aws',
      WDRBE_TABLE: this.table.tableName,
      WDRBE_QUEUE_URL: this.queue.queueUrl,
      WDRBE_DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
      WDRBE_LOG_LEVEL: 'info',
    };
    const authEnvironment: Record<string, string> = {};
    if (this.jwtSecret) authEnvironment.WDRBE_JWT_SECRET_ARN = this.jwtSecret.secretArn;
    if (props.jwksUrl) authEnvironment.WDRBE_JWKS_URL = props.jwksUrl;
    if (props.jwtIssuer) authEnvironment.WDRBE_JWT_ISSUER = props.jwtIssuer;
    if (props.jwtAudience) authEnvironment.WDRBE_JWT_AUDIENCE = props.jwtAudience;

    this.apiFunction = new lambda.DockerImageFunction(this, 'ApiFunction', {
      description: 'wdrbe lambda api: API Gateway proxy events',
      code: image('api'),
      architecture,
      memorySize: 512,
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...backendEnvironment,
        ...authEnvironment,
        WDRBE_CORS_ORIGINS: corsOrigins,
        WDRBE_SERVICE_NAME: API_SERVICE,
        // Photos are the API's alone: the worker never sees them.
        WDRBE_IMAGE_BUCKET: this.imageBucket.bucketName,
      },
      logGroup: new logs.LogGroup(this, 'ApiFunctionLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    this.workerFunction = new lambda.DockerImageFunction(this, 'WorkerFunction', {
      description: 'wdrbe lambda worker: share events from SQS',
      code: image('worker'),
      architecture,
      memorySize: 256,
      timeout: Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      environment: { ...backendEnvironment, WDRBE_SERVICE_NAME: WORKER_SERVICE },
      logGroup: new logs.LogGroup(this, 'WorkerFunctionLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    // Batches of 10; only the failed records come back (batchItemFailures);
    // at most 10 batches at once.
    this.workerFunction.addEventSource(
      new eventSources.SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 10 }),
    );

    // Least privilege: each function gets the calls it makes, on these
    // resources only. (The event source mapping grants the worker what it
    // needs to receive and delete; X-Ray's two actions come with tracing.)
    const tableResources = [this.table.tableArn, `${this.table.tableArn}/index/*`];
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'Table', actions: API_TABLE_ACTIONS, resources: tableResources }),
    );
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ShareQueue',
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'Images',
        actions: API_IMAGE_ACTIONS,
        resources: [this.imageBucket.arnForObjects(IMAGE_KEY_PATTERN)],
      }),
    );
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ImageKeys',
        actions: API_IMAGE_BUCKET_ACTIONS,
        resources: [this.imageBucket.bucketArn],
      }),
    );
    this.workerFunction.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'Table', actions: WORKER_TABLE_ACTIONS, resources: tableResources }),
    );
    for (const fn of [this.apiFunction, this.workerFunction]) {
      // Both check the queues at start; the API's /readyz reads their depth.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'DeadLetterQueue',
          actions: ['sqs:GetQueueAttributes'],
          resources: [this.deadLetterQueue.queueArn],
        }),
      );
    }
    if (this.jwtSecret) {
      this.apiFunction.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'JwtSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [this.jwtSecret.secretArn],
        }),
      );
    }

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Every route, OPTIONS included, goes to the function, which owns the
    // routes and CORS (--cors-origins); API Gateway throttles, traces and
    // logs access.
    this.api = new apigateway.LambdaRestApi(this, 'Api', {
      restApiName: 'wdrbe',
      description: 'wdrbe: the wardrobe items API',
      handler: this.apiFunction,
      proxy: true,
      cloudWatchRole: true,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      binaryMediaTypes: BINARY_MEDIA_TYPES,
      deployOptions: {
        stageName: 'prod',
        throttlingRateLimit: 500,
        throttlingBurstLimit: 1000,
        tracingEnabled: true,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // Answers API Gateway makes itself (429 when throttled, 502/504 when
    // the function fails) carry CORS too, so browsers can read them.
    if (corsOrigins === '*') {
      for (const [name, type] of [
        ['Default4xx', apigateway.ResponseType.DEFAULT_4XX],
        ['Default5xx', apigateway.ResponseType.DEFAULT_5XX],
      ] as const) {
        this.api.addGatewayResponse(name, {
          type,
          responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
        });
      }
    }

    const alarms = new sns.Topic(this, 'Alarms', { displayName: 'wdrbe alarms' });
    if (props.alarmEmail) alarms.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const fiveMinutes = Duration.minutes(5);
    // The business metrics both functions write as EMF log lines (namespace
    // Wdrbe, dimension service; docs/operations.md lists them).
    const business = (metricName: string, service: string, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: EMF_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        statistic,
        period: fiveMinutes,
      });
    // A failure Lambda sees (the invocation failed) plus one it cannot see
    // (a 500 answered, a record reported in batchItemFailures); a period
    // with no line of either is zero, not missing.
    const failures = (label: string, invocationErrors: cloudwatch.IMetric, reported: cloudwatch.IMetric) =>
      new cloudwatch.MathExpression({
        expression: 'FILL(invocationErrors, 0) + FILL(reported, 0)',
        usingMetrics: { invocationErrors, reported },
        label,
        period: fiveMinutes,
      });
    const alarmSpecs: Array<[string, string, cloudwatch.IMetric, number, cloudwatch.ComparisonOperator]> = [
      [
        'ApiErrors',
        'The API function failed invocations (timeouts, crashes) or answered 500 internal_error ' +
          '(UnhandledErrors) in 5 minutes',
        failures(
          'API failures',
          this.apiFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
          business('UnhandledErrors', API_SERVICE),
        ),
        1,
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ],
      [
        'WorkerErrors',
        'The worker function failed invocations or share events (FailedRecords: each is retried, then ' +
          'dead-lettered) in 5 minutes',
        failures(
          'Worker failures',
          this.workerFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
          business('FailedRecords', WORKER_SERVICE),
        ),
        1,
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ],
      [
        'DeadLetters',
        'Share events are in the dead-letter queue: wdrbe dlq list, fix the cause, wdrbe dlq redrive --all',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        0,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
      [
        'Api5xx',
        'More than 5% of API requests answered 5xx over 5 minutes',
        this.api.metricServerError({ period: fiveMinutes, statistic: 'Average' }),
        0.05,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
    ];
    for (const [name, description, metric, threshold, comparisonOperator] of alarmSpecs) {
      const alarm = new cloudwatch.Alarm(this, `${name}Alarm`, {
        alarmName: `${this.stackName}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(alarms));
    }

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-wdrbe`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [this.api.metricCount(), this.api.metricClientError(), this.api.metricServerError()],
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency (p50, p99)',
            left: [this.api.metricLatency({ statistic: 'p50' }), this.api.metricLatency({ statistic: 'p99' })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Functions: invocations, errors, throttles',
            left: [
              this.apiFunction.metricInvocations(),
              this.apiFunction.metricErrors(),
              this.apiFunction.metricThrottles(),
              this.workerFunction.metricInvocations(),
              this.workerFunction.metricErrors(),
              this.workerFunction.metricThrottles(),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Functions: duration (p99)',
            left: [
              this.apiFunction.metricDuration({ statistic: 'p99' }),
              this.workerFunction.metricDuration({ statistic: 'p99' }),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Items: created, replayed creates, listed; shares enqueued; unhandled errors',
            left: [
              business('ItemCreated', API_SERVICE),
              business('ItemCreatedIdempotent', API_SERVICE),
              business('ShareEventsEnqueued', API_SERVICE),
              business('UnhandledErrors', API_SERVICE),
            ],
            right: [business('ItemsListed', API_SERVICE)],
          }),
          new cloudwatch.GraphWidget({
            title: 'Share events: processed, successful, failed, item gone; mean batch size',
            left: [
              business('ShareEventsProcessed', WORKER_SERVICE),
              business('SuccessfulRecords', WORKER_SERVICE),
              business('FailedRecords', WORKER_SERVICE),
              business('ItemNotFound', WORKER_SERVICE),
            ],
            right: [business('BatchSize', WORKER_SERVICE, 'Average')],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Share queue: depth, age of the oldest, dead letters',
            left: [
              this.queue.metricApproximateNumberOfMessagesVisible(),
              this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
            ],
            right: [this.queue.metricApproximateAgeOfOldestMessage()],
          }),
          new cloudwatch.GraphWidget({
            title: 'Table: consumed capacity and throttled requests',
            left: [this.table.metricConsumedReadCapacityUnits(), this.table.metricConsumedWriteCapacityUnits()],
            right: [this.table.metricThrottledRequestsForOperations({ operations: [dynamodb.Operation.QUERY] })],
          }),
        ],
      ],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The API, e.g. GET ${ApiUrl}healthz' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ImageBucketName', { value: this.imageBucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topicArn });
    if (this.jwtSecret) {
      new CfnOutput(this, 'JwtSecretArn', {
        value: this.jwtSecret.secretArn,
        description: `Read it to mint tokens: aws secretsmanager get-secret-value --region ${Aws.REGION} --secret-id ...`,
      });
    }
  }
  // The table in the AWS backend's layout, as `wdrbe aws setup` makes it.
  private static makeTable(scope: Construct, tableName: string): dynamodb.Table {
    const table = new dynamodb.Table(scope, 'Table', {
      tableName,
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The users' wardrobes outlive any stack: deleting the stack keeps the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_INDEXES) {
      table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}PK`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `${index}SK`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }
}
