import { type CfnElement, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { MemberAsset } from './member-synthesizer.ts';

export interface AssetStackProps extends StackProps {
  readonly bucketName: string;
  /** Principals of this organization (the members' StackSet execution roles) may read the code. */
  readonly organizationId: string;
  readonly assets: readonly MemberAsset[];
}

/**
 * One region's code bucket in the management account: what the member template's functions are created from.
 * Lambda reads a function's S3 code with the credentials of the CreateFunction caller, in the function's region
 * (the bucket must be in that region); for a StackSet that caller is the member's StackSets execution role. So
 * the bucket policy admits every principal of the organization (`aws:PrincipalOrgID`) to `s3:GetObject`, and
 * nothing else. Each member asset is published by the CDK CLI to this account's bootstrap bucket and copied
 * here unchanged (`extract: false`) by a BucketDeployment, under the key the member template reads.
 * `cdk destroy` deletes the bucket and its objects (functions already created keep their own copy of the code).
 */
export class AssetStack extends Stack {
  readonly bucket: s3.Bucket;
  /** Object key of each member asset in the bucket, by its source hash. */
  readonly objectKeys = new Map<string, string>();
  private stagingBucket?: s3.IBucket;
  private deployment?: BucketDeployment;

  constructor(scope: Construct, id: string, props: AssetStackProps) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, 'Code', {
      bucketName: props.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationReadsCanaryCode',
        principals: [new iam.OrganizationPrincipal(props.organizationId)],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    // Each member asset as the CDK CLI publishes it to this account's bootstrap bucket: the very file or
    // directory the member stack staged, whatever made it (a prebuilt directory, a zip, a bundler).
    const sources = props.assets.map((member) => {
      const location = this.synthesizer.addFileAsset({
        sourceHash: member.sourceHash,
        fileName: member.fileName,
        packaging: member.packaging,
      });
      this.objectKeys.set(member.sourceHash, location.objectKey);
      this.stagingBucket ??= s3.Bucket.fromBucketName(this, 'Staging', location.bucketName);
      return Source.bucket(this.stagingBucket, location.objectKey);
    });
    if (sources.length > 0) {
      this.deployment = new BucketDeployment(this, 'Publish', {
        sources,
        destinationBucket: this.bucket,
        extract: false,
        prune: false,
      });
    }
    this.acknowledge();
  }

  private acknowledge(): void {
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only the canary code that CloudFormation in member accounts reads at deploy time; reads are already recorded by CloudTrail data events where the organization enables them, and an access-log bucket per region would outlive cdk destroy.',
    });
    const role = this.deployment?.handlerRole;
    if (!role || !this.stagingBucket) return;
    for (const handler of this.node.findAll().filter((c) => c instanceof lambda.Function)) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "The CDK's own BucketDeployment handler: aws-cdk-lib chooses its runtime and moves it forward with each release; it runs only while this stack deploys.",
      });
    }
    const wildcards = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
      (action) => `AwsSolutions-IAM5[Action::${action}]`,
    );
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "The CDK's own BucketDeployment handler logs with AWSLambdaBasicExecutionRole; it runs only while this stack deploys.",
      },
      ...[
        ...wildcards,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${this.stagingBucket.bucketName}/*]`,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      ].map((id) => ({
        id,
        reason:
          "The CDK's BucketDeployment grants: read the bootstrap bucket's asset objects, write the objects of this stack's own code bucket; object-level wildcards on those two buckets only.",
      })),
    );
  }
}
