// Smoke test of the local AWS engines: checks the behaviours the AWS backend
// relies on (docs/aws-local.md), so a version bump that changes one fails here.
//   eval "$(scripts/aws-local.sh start)" && node tools/aws-local/smoke.mjs
// Needs AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SQS; prints one line per
// check and "N passed, M failed"; exits non-zero when a check fails.
// Every name it creates carries a fresh suffix, so running it again against
// the same engines is fine.

const dynamodb = process.env.AWS_ENDPOINT_URL_DYNAMODB;
const sqsEndpoint = process.env.AWS_ENDPOINT_URL_SQS;
if (!dynamodb || !sqsEndpoint) {
  console.error('run eval "$(scripts/aws-local.sh start)" first');
  process.exit(2);
}
const region = process.env.AWS_REGION ?? "us-east-1";
const suffix = `${Date.now()}`;

// The engines accept any signature but DynamoDB Local wants a parseable
// SigV4 Authorization header, and fauxqs takes the region from it.
function authorization(service) {
  return `AWS4-HMAC-SHA256 Credential=local/20240101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

async function call(endpoint, target, service, body) {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": target,
      Authorization: authorization(service),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}
const ddb = (op, body) => call(dynamodb, `DynamoDB_20120810.${op}`, "dynamodb", body);
const sqs = (op, body) => call(sqsEndpoint, `AmazonSQS.${op}`, "sqs", body);

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err.message}`);
  }
}
function expect(condition, what) {
  if (!condition) throw new Error(what);
}
const s = (v) => ({ S: v });

const table = `smoke-${suffix}`;
await check("CreateTable PAY_PER_REQUEST with a GSI is ACTIVE at once", async () => {
  const r = await ddb("CreateTable", {
    TableName: table,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: ["pk", "sk", "gpk", "gsk"].map((n) => ({ AttributeName: n, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: "gsi1",
        KeySchema: [
          { AttributeName: "gpk", KeyType: "HASH" },
          { AttributeName: "gsk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  });
  expect(r.status === 200 && r.body.TableDescription.TableStatus === "ACTIVE", JSON.stringify(r.body));
});

await check("UpdateTimeToLive / DescribeTimeToLive", async () => {
  await ddb("UpdateTimeToLive", {
    TableName: table,
    TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" },
  });
  const r = await ddb("DescribeTimeToLive", { TableName: table });
  expect(r.body.TimeToLiveDescription?.TimeToLiveStatus === "ENABLED", JSON.stringify(r.body));
});

await check("UpdateContinuousBackups is an UnknownOperationException", async () => {
  const r = await ddb("UpdateContinuousBackups", {
    TableName: table,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  });
  expect(r.status === 400 && r.body.__type.endsWith("#UnknownOperationException"), JSON.stringify(r.body));
});

await check("cancelled transaction: reasons in order, Item with ALL_OLD, nothing written", async () => {
  await ddb("PutItem", { TableName: table, Item: { pk: s("u"), sk: s("a"), ver: { N: "1" } } });
  const r = await ddb("TransactWriteItems", {
    TransactItems: [
      { Put: { TableName: table, Item: { pk: s("u"), sk: s("new") } } },
      {
        ConditionCheck: {
          TableName: table,
          Key: { pk: s("u"), sk: s("a") },
          ConditionExpression: "ver = :v",
          ExpressionAttributeValues: { ":v": { N: "2" } },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      },
    ],
  });
  const reasons = r.body.CancellationReasons ?? [];
  expect(r.status === 400 && r.body.__type.endsWith("#TransactionCanceledException"), JSON.stringify(r.body));
  expect(reasons.length === 2 && reasons[0].Code === "None", JSON.stringify(reasons));
  expect(reasons[1].Code === "ConditionalCheckFailed" && reasons[1].Item?.ver?.N === "1", JSON.stringify(reasons));
  const get = await ddb("GetItem", { TableName: table, Key: { pk: s("u"), sk: s("new") } });
  expect(get.body.Item === undefined, "the Put of the cancelled transaction was written");
});

await check("transactions: 100 items accepted, 101 a ValidationException", async () => {
  const puts = (n, tag) =>
    Array.from({ length: n }, (_, i) => ({ Put: { TableName: table, Item: { pk: s(tag), sk: s(`${i}`) } } }));
  const ok = await ddb("TransactWriteItems", { TransactItems: puts(100, "t100") });
  expect(ok.status === 200, JSON.stringify(ok.body));
  const over = await ddb("TransactWriteItems", { TransactItems: puts(101, "t101") });
  expect(over.status === 400 && over.body.__type.endsWith("#ValidationException"), JSON.stringify(over.body));
});

await check("GSI Query pages with Limit and ExclusiveStartKey", async () => {
  for (let i = 0; i < 5; i++) {
    await ddb("PutItem", { TableName: table, Item: { pk: s("p"), sk: s(`${i}`), gpk: s("g"), gsk: s(`k${i}`) } });
  }
  const seen = [];
  let start;
  for (let page = 0; page < 5; page++) {
    const r = await ddb("Query", {
      TableName: table,
      IndexName: "gsi1",
      KeyConditionExpression: "gpk = :g",
      ExpressionAttributeValues: { ":g": s("g") },
      ScanIndexForward: false,
      Limit: 2,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    seen.push(...r.body.Items.map((item) => item.gsk.S));
    start = r.body.LastEvaluatedKey;
    if (!start) break;
    expect(start.pk && start.sk && start.gpk && start.gsk, `LastEvaluatedKey ${JSON.stringify(start)}`);
  }
  expect(seen.join() === "k4,k3,k2,k1,k0", seen.join());
});

let queueUrl;
let dlqUrl;
await check("CreateQueue with a RedrivePolicy to a DLQ", async () => {
  dlqUrl = (await sqs("CreateQueue", { QueueName: `smoke-dlq-${suffix}` })).body.QueueUrl;
  const dlq = await sqs("GetQueueAttributes", { QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] });
  const arn = dlq.body.Attributes.QueueArn;
  const r = await sqs("CreateQueue", {
    QueueName: `smoke-${suffix}`,
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 }) },
  });
  queueUrl = r.body.QueueUrl;
  expect(r.status === 200 && queueUrl, JSON.stringify(r.body));
});

await check("SendMessage with attributes, received with ApproximateReceiveCount", async () => {
  await sqs("SendMessage", {
    QueueUrl: queueUrl,
    MessageBody: "event",
    MessageAttributes: { eventType: { DataType: "String", StringValue: "ItemShared" } },
  });
  const r = await sqs("ReceiveMessage", {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: 10,
    VisibilityTimeout: 0,
    MessageAttributeNames: ["All"],
    MessageSystemAttributeNames: ["ApproximateReceiveCount"],
  });
  const m = r.body.Messages?.[0];
  expect(m?.Body === "event" && m.Attributes.ApproximateReceiveCount === "1", JSON.stringify(r.body));
  expect(m.MessageAttributes.eventType.StringValue === "ItemShared", JSON.stringify(m));
});

await check("dead-lettered on the receive after maxReceiveCount", async () => {
  const second = await sqs("ReceiveMessage", { QueueUrl: queueUrl, VisibilityTimeout: 0 });
  expect(second.body.Messages?.length === 1, `2nd receive ${JSON.stringify(second.body)}`);
  const third = await sqs("ReceiveMessage", { QueueUrl: queueUrl });
  expect(third.body.Messages === undefined, `3rd receive ${JSON.stringify(third.body)}`);
  const dlq = await sqs("ReceiveMessage", { QueueUrl: dlqUrl });
  expect(dlq.body.Messages?.[0]?.Body === "event", `DLQ ${JSON.stringify(dlq.body)}`);
});

await check("long polling returns as soon as a message arrives", async () => {
  const began = Date.now();
  setTimeout(() => sqs("SendMessage", { QueueUrl: queueUrl, MessageBody: "late" }), 300);
  const r = await sqs("ReceiveMessage", { QueueUrl: queueUrl, WaitTimeSeconds: 5 });
  const took = Date.now() - began;
  expect(r.body.Messages?.[0]?.Body === "late" && took < 3000, `${took} ms ${JSON.stringify(r.body)}`);
});

await check("ChangeMessageVisibilityBatch reports per-entry failures", async () => {
  await sqs("SendMessage", { QueueUrl: queueUrl, MessageBody: "lease" });
  const m = (await sqs("ReceiveMessage", { QueueUrl: queueUrl })).body.Messages[0];
  const r = await sqs("ChangeMessageVisibilityBatch", {
    QueueUrl: queueUrl,
    Entries: [
      { Id: "good", ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 60 },
      { Id: "bad", ReceiptHandle: "no-such-handle", VisibilityTimeout: 60 },
    ],
  });
  expect(r.body.Successful?.[0]?.Id === "good", JSON.stringify(r.body));
  expect(r.body.Failed?.[0]?.Id === "bad" && r.body.Failed[0].Code === "ReceiptHandleIsInvalid", JSON.stringify(r.body));
});

await check("SQS errors are JSON with a com.amazonaws.sqs# __type", async () => {
  const r = await sqs("GetQueueUrl", { QueueName: `missing-${suffix}` });
  expect(r.status === 400 && r.body.__type === "com.amazonaws.sqs#QueueDoesNotExist", JSON.stringify(r.body));
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
