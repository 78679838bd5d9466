/**
 * What each service API requires of the resources the app emits, as CloudFormation properties: the CloudFormation
 * schema's "Required: No" is not what the service accepts (issue 17: `AWS::Oam::Link` without `LabelTemplate`
 * passes the schema and fails at CreateLink, "Invalid request provided: Missing LabelTemplate", aws/aws-cdk#35367).
 * Each entry is the create call's required input members (the API reference's "Required: Yes", the SDK models'
 * members without `?`) that CloudFormation passes through from a property; names CloudFormation generates when
 * absent (FunctionName, RoleName, TableName, ...) are left out. A resource type the app starts to emit has no
 * entry until someone reads its API model: {@link missingRequired} names it, so the check cannot silently pass.
 */
export interface ApiRequirement {
  /** The create call, for the message. */
  readonly api: string;
  /** Properties that must be present. */
  readonly required: readonly string[];
  /** Groups of which at least one property must be present. */
  readonly oneOf?: ReadonlyArray<readonly string[]>;
  /** Where the requirement is written. */
  readonly source: string;
  /** Property combinations the service refuses although the schema takes them: a test and what it says. */
  readonly refuses?: ReadonlyArray<{ when: (properties: Record<string, unknown>) => boolean; says: string }>;
}

export const API_REQUIREMENTS: Readonly<Record<string, ApiRequirement>> = {
  'AWS::Oam::Link': {
    api: 'oam:CreateLink',
    // LabelTemplate, ResourceTypes and SinkIdentifier: "Required: Yes".
    required: ['LabelTemplate', 'ResourceTypes', 'SinkIdentifier'],
    source: 'https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html',
  },
  'AWS::Oam::Sink': {
    api: 'oam:CreateSink',
    required: ['Name'],
    source: 'https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateSink.html',
  },
  'AWS::CloudFormation::StackSet': {
    api: 'cloudformation:CreateStackSet + CreateStackInstances',
    // CreateStackSet: StackSetName; TemplateBody or TemplateURL. CreateStackInstances: Regions, and for
    // service-managed permissions DeploymentTargets with OrganizationalUnitIds on create.
    required: ['StackSetName', 'PermissionModel', 'StackInstancesGroup'],
    oneOf: [['TemplateBody', 'TemplateURL']],
    refuses: [
      {
        when: (properties) =>
          JSON.stringify(properties.StackInstancesGroup ?? []).includes('"AccountFilterType":"UNION"'),
        says: '"UNION is not supported for create operations when using StackSet as a resource" (DeploymentTargets; resource-providers-cloudformation#100)',
      },
    ],
    source:
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html, API_CreateStackInstances.html, API_DeploymentTargets.html',
  },
  'AWS::SNS::Topic': {
    api: 'sns:CreateTopic',
    required: [],
    source: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name, generated)',
  },
  'AWS::SNS::Subscription': {
    api: 'sns:Subscribe',
    // Endpoint is optional in the model but every protocol the app uses (email, https) needs one.
    required: ['TopicArn', 'Protocol', 'Endpoint'],
    source: 'https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html',
  },
  'AWS::SNS::TopicPolicy': {
    api: 'sns:SetTopicAttributes (Policy)',
    required: ['PolicyDocument', 'Topics'],
    source: 'https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html',
  },
  'AWS::Lambda::Function': {
    api: 'lambda:CreateFunction',
    // Role and Code always; Runtime and Handler for a .zip package.
    required: ['Role', 'Code', 'Runtime', 'Handler'],
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html',
  },
  'AWS::Lambda::Permission': {
    api: 'lambda:AddPermission',
    required: ['Action', 'FunctionName', 'Principal'],
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html',
  },
  'AWS::Lambda::EventInvokeConfig': {
    api: 'lambda:PutFunctionEventInvokeConfig',
    required: ['FunctionName', 'Qualifier'],
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html',
  },
  'AWS::Lambda::LayerVersion': {
    api: 'lambda:PublishLayerVersion',
    required: ['Content'],
    source:
      'https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html (LayerName, generated)',
  },
  'AWS::Logs::LogGroup': {
    api: 'logs:CreateLogGroup',
    required: [],
    source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html',
  },
  'AWS::IAM::Role': {
    api: 'iam:CreateRole',
    required: ['AssumeRolePolicyDocument'],
    source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
  },
  'AWS::IAM::Policy': {
    api: 'iam:PutRolePolicy',
    required: ['PolicyName', 'PolicyDocument'],
    oneOf: [['Roles', 'Users', 'Groups']],
    source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html',
  },
  'AWS::DynamoDB::Table': {
    api: 'dynamodb:CreateTable',
    required: ['KeySchema', 'AttributeDefinitions'],
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html',
  },
  'AWS::ECR::Repository': {
    api: 'ecr:CreateRepository',
    required: [],
    source:
      'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html (repositoryName, generated)',
  },
  'AWS::CloudWatch::Alarm': {
    api: 'cloudwatch:PutMetricAlarm',
    required: ['EvaluationPeriods', 'ComparisonOperator'],
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html',
  },
  'AWS::CloudWatch::Dashboard': {
    api: 'cloudwatch:PutDashboard',
    required: ['DashboardBody'],
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html',
  },
  'AWS::Events::Rule': {
    api: 'events:PutRule',
    // A rule needs a pattern or a schedule.
    required: [],
    oneOf: [['EventPattern', 'ScheduleExpression']],
    refuses: [
      {
        when: (properties) =>
          properties.State === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' &&
          properties.ScheduleExpression !== undefined,
        says: '"ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS rule state is not supported with scheduled rule expressions" (PutRule ValidationException; hashicorp/terraform-provider-aws#34988)',
      },
    ],
    source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html',
  },
  'AWS::EKS::AccessEntry': {
    api: 'eks:CreateAccessEntry + AssociateAccessPolicy',
    // CreateAccessEntry: clusterName, principalArn (the SDK model's required members). Each AccessPolicies entry
    // becomes an AssociateAccessPolicy call, which requires policyArn and accessScope; CloudFormation's AccessScope
    // requires Type.
    required: ['ClusterName', 'PrincipalArn'],
    refuses: [
      {
        when: (properties) =>
          (Array.isArray(properties.AccessPolicies) ? properties.AccessPolicies : []).some((policy) => {
            const p = policy as { PolicyArn?: unknown; AccessScope?: { Type?: unknown } };
            return p.PolicyArn === undefined || p.AccessScope?.Type === undefined;
          }),
        says: 'AssociateAccessPolicy requires policyArn and accessScope (with its type)',
      },
      {
        when: (properties) =>
          properties.Type !== undefined &&
          properties.Type !== 'STANDARD' &&
          Array.isArray(properties.AccessPolicies) &&
          properties.AccessPolicies.length > 0,
        says: 'access policies can be associated with STANDARD entries only ("Create access entries": the EC2, FARGATE_LINUX and HYBRID_LINUX types take none)',
      },
    ],
    source:
      'https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html, API_AssociateAccessPolicy.html (@aws-sdk/client-eks models)',
  },
  'AWS::Scheduler::Schedule': {
    api: 'scheduler:CreateSchedule',
    // FlexibleTimeWindow is required by the API (Mode OFF or FLEXIBLE).
    required: ['ScheduleExpression', 'Target', 'FlexibleTimeWindow'],
    source: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html',
  },
  'AWS::KMS::Key': {
    api: 'kms:CreateKey',
    required: [],
    source: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html',
  },
  'AWS::S3::Bucket': {
    api: 's3:CreateBucket',
    required: [],
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html (Bucket, generated)',
  },
  'AWS::S3::BucketPolicy': {
    api: 's3:PutBucketPolicy',
    required: ['Bucket', 'PolicyDocument'],
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html',
  },
};

/** Custom resources: CloudFormation needs the ServiceToken to know where to send the request. */
const CUSTOM_RESOURCE: ApiRequirement = {
  api: 'custom resource request',
  required: ['ServiceToken'],
  source:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html',
};

export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** Every resource of `template` that misses what its create call requires, and every type with no entry. */
export function missingRequired(template: TemplateJson): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const requirement =
      API_REQUIREMENTS[resource.Type] ??
      (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource'
        ? CUSTOM_RESOURCE
        : undefined);
    if (!requirement) {
      problems.push(`${id} (${resource.Type}): no entry; read its create API's required members first`);
      continue;
    }
    const properties = resource.Properties ?? {};
    for (const name of requirement.required) {
      if (properties[name] === undefined) {
        problems.push(
          `${id} (${resource.Type}): ${requirement.api} requires ${name} (${requirement.source})`,
        );
      }
    }
    for (const refusal of requirement.refuses ?? []) {
      if (refusal.when(properties)) problems.push(`${id} (${resource.Type}): refused: ${refusal.says}`);
    }
    for (const group of requirement.oneOf ?? []) {
      if (!group.some((name) => properties[name] !== undefined)) {
        problems.push(
          `${id} (${resource.Type}): ${requirement.api} requires one of ${group.join(', ')} (${requirement.source})`,
        );
      }
    }
  }
  return problems;
}
