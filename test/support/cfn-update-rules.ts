/**
 * CloudFormation's update rules for every resource type the app emits, in one table: which properties cannot change
 * in place (a change replaces the resource: CloudFormation creates the new one, repoints every reference, and
 * deletes the old one in the cleanup phase), which property is a fixed physical name, and which properties identify
 * the one thing in the service that two resources of the type would fight over. The update judge
 * (test/support/update-judge.ts) reads it.
 *
 * Sources: each type's CloudFormation resource reference ("Update requires: Replacement") and its resource provider
 * schema's `createOnlyProperties` (the registry schemas; cfn-lint ships them as
 * src/cfnlint/data/schemas/providers/us_east_1/aws-<service>-<type>.json). test/update-judge.test.ts checks this
 * table against the CDK's service specification database (aws-cdk's db.json.gz, built from both), so a property
 * that starts or stops requiring replacement surfaces when the CDK is upgraded. A type the app starts to emit has no
 * entry until someone reads its rules: the judge names it, so the check cannot silently pass (as
 * test/support/api-required.ts does for the create APIs' required members).
 */

export interface UpdateRule {
  /** Properties whose change requires replacement ("Update requires: Replacement"; createOnlyProperties). */
  readonly replacement: readonly string[];
  /**
   * The property that, when set, is the resource's physical name: unique in the account and region (for IAM,
   * the account), so a replacement under the same name fails ("... already exists": the new one is created first).
   */
  readonly name?: string;
  /**
   * Properties that together identify the one thing in the service this resource manages, where the service has
   * no name to refuse a second one with: a second resource with the same values takes over (or is) the first, and
   * the cleanup's delete of the old resource then removes what the new one made.
   */
  readonly identity?: readonly string[];
  /** Why the identity is one, for the message. */
  readonly identityNote?: string;
  /** The reference page (and schema) the rule is read from. */
  readonly source: string;
}

const REFERENCE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/';
const SCHEMAS = 'aws-cloudformation/cfn-lint src/cfnlint/data/schemas/providers/us_east_1/';

function sources(page: string): string {
  return `${REFERENCE}${page}.html; ${SCHEMAS}${page.replace(/^aws-resource-/, 'aws-')}.json (createOnlyProperties)`;
}

export const UPDATE_RULES: Readonly<Record<string, UpdateRule>> = {
  'AWS::CloudFormation::StackSet': {
    replacement: ['PermissionModel', 'StackSetName'],
    name: 'StackSetName',
    source: sources('aws-resource-cloudformation-stackset'),
  },
  'AWS::CloudWatch::Alarm': {
    replacement: ['AlarmName'],
    name: 'AlarmName',
    source: sources('aws-resource-cloudwatch-alarm'),
  },
  'AWS::CloudWatch::Dashboard': {
    replacement: ['DashboardName'],
    name: 'DashboardName',
    source: sources('aws-resource-cloudwatch-dashboard'),
  },
  'AWS::DynamoDB::Table': {
    // KeySchema: the reference says "Update requires: Replacement" although the schema's createOnlyProperties
    // leave it out (UpdateTable has no KeySchema member; the handler replaces).
    replacement: ['ImportSourceSpecification', 'KeySchema', 'TableName'],
    name: 'TableName',
    source: sources('aws-resource-dynamodb-table'),
  },
  'AWS::ECR::Repository': {
    replacement: ['EncryptionConfiguration', 'RepositoryName'],
    name: 'RepositoryName',
    source: sources('aws-resource-ecr-repository'),
  },
  'AWS::EKS::AccessEntry': {
    replacement: ['ClusterName', 'PrincipalArn', 'Type'],
    // CreateAccessEntry's principalArn: "You can't specify the same ARN in more than one access entry" of a
    // cluster (the SDK model; ResourceInUseException): a second entry for the same role and cluster fails to create.
    identity: ['ClusterName', 'PrincipalArn'],
    identityNote: 'a principal has one access entry per cluster: the second one’s create fails',
    source: `${sources('aws-resource-eks-accessentry')}; https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html`,
  },
  'AWS::Events::Rule': {
    replacement: ['EventBusName', 'Name'],
    name: 'Name',
    source: sources('aws-resource-events-rule'),
  },
  'AWS::IAM::Policy': {
    replacement: [],
    // An inline policy is the role's (PolicyName, role) pair: PutRolePolicy overwrites, DeleteRolePolicy removes.
    identity: ['PolicyName', 'Roles'],
    identityNote:
      'an inline policy is its name on its role: the new one overwrites it, the old one’s delete removes it',
    source: sources('aws-resource-iam-policy'),
  },
  'AWS::IAM::Role': {
    replacement: ['Path', 'RoleName'],
    name: 'RoleName',
    source: sources('aws-resource-iam-role'),
  },
  'AWS::KMS::Key': {
    replacement: [],
    source: sources('aws-resource-kms-key'),
  },
  'AWS::Lambda::EventInvokeConfig': {
    replacement: ['FunctionName', 'Qualifier'],
    identity: ['FunctionName', 'Qualifier'],
    identityNote: 'a function version has one asynchronous invocation configuration',
    source: sources('aws-resource-lambda-eventinvokeconfig'),
  },
  'AWS::Lambda::Function': {
    replacement: ['FunctionName', 'PackageType', 'TenancyConfig'],
    name: 'FunctionName',
    source: sources('aws-resource-lambda-function'),
  },
  'AWS::Lambda::LayerVersion': {
    // Every change publishes a new version under the same LayerName: a name that never collides.
    replacement: [
      'CompatibleArchitectures',
      'CompatibleRuntimes',
      'Content',
      'Description',
      'LayerName',
      'LicenseInfo',
    ],
    source: sources('aws-resource-lambda-layerversion'),
  },
  'AWS::Lambda::Permission': {
    replacement: [
      'Action',
      'EventSourceToken',
      'FunctionName',
      'FunctionUrlAuthType',
      'InvokedViaFunctionUrl',
      'Principal',
      'PrincipalOrgID',
      'SourceAccount',
      'SourceArn',
    ],
    source: sources('aws-resource-lambda-permission'),
  },
  'AWS::Logs::LogGroup': {
    replacement: ['LogGroupName'],
    name: 'LogGroupName',
    source: sources('aws-resource-logs-loggroup'),
  },
  'AWS::Oam::Link': {
    replacement: ['LabelTemplate', 'SinkIdentifier'],
    identity: ['SinkIdentifier'],
    identityNote: 'an account has one link to a sink (CreateLink: ConflictException)',
    source: sources('aws-resource-oam-link'),
  },
  'AWS::Oam::Sink': {
    replacement: ['Name'],
    name: 'Name',
    source: sources('aws-resource-oam-sink'),
  },
  'AWS::S3::Bucket': {
    replacement: ['BucketName', 'BucketNamePrefix', 'BucketNamespace', 'ObjectLockEnabled'],
    name: 'BucketName',
    source: sources('aws-resource-s3-bucket'),
  },
  'AWS::S3::BucketPolicy': {
    replacement: ['Bucket'],
    identity: ['Bucket'],
    identityNote: 'a bucket has one policy: the old one’s delete removes the new one’s',
    source: sources('aws-resource-s3-bucketpolicy'),
  },
  'AWS::SNS::Subscription': {
    replacement: ['Endpoint', 'Protocol', 'TopicArn'],
    identity: ['Endpoint', 'Protocol', 'TopicArn'],
    identityNote:
      'Subscribe returns the existing subscription of the same endpoint (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html): the old one’s delete unsubscribes it',
    source: sources('aws-resource-sns-subscription'),
  },
  'AWS::SNS::Topic': {
    // CreateTopic of an existing name returns that topic (idempotent): the old one's delete would delete it.
    replacement: ['FifoTopic', 'TopicName'],
    name: 'TopicName',
    source: sources('aws-resource-sns-topic'),
  },
  'AWS::SNS::TopicPolicy': {
    replacement: [],
    identity: ['Topics'],
    identityNote: 'a topic has one policy: the old one’s delete resets it to the default',
    source: sources('aws-resource-sns-topicpolicy'),
  },
  'AWS::Scheduler::Schedule': {
    replacement: ['Name'],
    name: 'Name',
    source: sources('aws-resource-scheduler-schedule'),
  },
};

/**
 * Custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`): the ServiceToken cannot change
 * ("Modifying service token is not allowed", aws-cloudformation/cloudformation-coverage-roadmap#802), and the
 * update fails and rolls back; the usual way out is a new logical ID, so CloudFormation creates the new resource
 * through the new token and sends the old one's Delete to the old token. Any other change is an Update request to
 * the handler.
 */
export const CUSTOM_RESOURCE_RULE = {
  immutable: 'ServiceToken',
  source: `${REFERENCE}aws-resource-cloudformation-customresource.html; aws-cloudformation/cloudformation-coverage-roadmap#802`,
} as const;

export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}
