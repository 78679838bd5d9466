import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
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
    const sources = props.assets.map((member, i) => {
      const asset = new Asset(this, `MemberAsset${i}`, { path: member.path, assetHash: member.sourceHash });
      this.objectKeys.set(member.sourceHash, asset.s3ObjectKey);
      return Source.bucket(asset.bucket, asset.s3ObjectKey);
    });
    if (sources.length > 0) {
      new BucketDeployment(this, 'Publish', {
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
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4',
        reason:
          "The CDK's own BucketDeployment and auto-delete handlers use AWSLambdaBasicExecutionRole for their logs; they run only during deploy and destroy of this stack.",
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "The CDK's BucketDeployment handler reads the bootstrap bucket's asset objects and writes any key of this stack's own code bucket: object-level wildcards on those two buckets only.",
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          "The runtimes of the CDK's own BucketDeployment and auto-delete handlers are chosen by aws-cdk-lib and move with it.",
      },
    );
  }
}
