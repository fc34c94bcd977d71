// The CDK app: one stack, configured by context (-c key=value or cdk.json):
//   stackName      Wdrbe
//   architecture   x86_64 | arm64
//   jwksUrl, jwtIssuer, jwtAudience   RS256/ES256 tokens (e.g. Cognito) instead of the HS256 secret
//   corsOrigins    "*" or a comma-separated list of origins
//   alarmEmail     an address subscribed to the alarms' topic
//   existingTableName  use this table (restored from PITR, or made by `wdrbe aws setup`) instead of making one
//   imageBucketName    the photos' S3 bucket name (else CloudFormation generates one)
// Synthesizes offline and without credentials: the stack is
// environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set (cdk deploy sets them).
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { WdrbeStack } from '../lib/wdrbe-stack';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key);
const architecture = context('architecture') ?? 'x86_64';
if (architecture !== 'x86_64' && architecture !== 'arm64') {
  throw new Error(`context architecture must be x86_64 or arm64, got ${architecture}`);
}
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

new WdrbeStack(app, context('stackName') ?? 'Wdrbe', {
  description: 'wdrbe: wardrobe items API (API Gateway, Lambda, DynamoDB, SQS, S3)',
  env: account && region ? { account, region } : undefined,
  architecture,
  jwksUrl: context('jwksUrl'),
  jwtIssuer: context('jwtIssuer'),
  jwtAudience: context('jwtAudience'),
  corsOrigins: context('corsOrigins'),
  alarmEmail: context('alarmEmail'),
  existingTableName: context('existingTableName'),
  imageBucketName: context('imageBucketName'),
  // dist/bin -> the repository root, which the image is built from.
  sourceDirectory: path.resolve(__dirname, '..', '..', '..', '..'),
});
