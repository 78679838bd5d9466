import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerTarget } from '../lambda/engine/model/contract.ts';
import { buildMultiArchImage } from '../lambda/engine/model/oci-image.ts';
import {
  KNOWN_GOOD_PLATFORMS,
  KNOWN_GOOD_TAG_PREFIX,
  KNOWN_GOOD_TARGET_NAME,
  knownGoodTag,
  SEED_PROPERTIES,
} from '../lambda/engine/model/seed-contract.ts';
import { CanaryFunction } from './canary-function.ts';

export interface KnownGoodImageProps {
  /** Name of the canary-owned repository. */
  readonly repositoryName: string;
  /**
   * Retention of the seeding function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Pushes are a handful of tiny requests; two minutes leaves room for slow retries and still fails fast. */
const SEED_TIMEOUT = Duration.minutes(2);
/** CloudFormation gives up on a custom resource that has not answered by then, instead of waiting an hour. */
const SEED_SERVICE_TIMEOUT = Duration.minutes(5);
/** Older seeded images (a new canary version builds a new image) are kept this many, then expire. */
const KEEP_SEEDED_IMAGES = 3;

/**
 * A canary-owned repository and, at deploy time, a tiny multi-arch OCI image pushed into it through the registry
 * v2 API with the probe's own token code. The canary probes it, so a deployment with no targets of its own
 * already watches the region's ECR auth and pull path, against an image that is known to exist.
 */
export class KnownGoodImage extends Construct {
  readonly repository: ecr.Repository;
  readonly tag: string;
  /** Digest of the image index; the probe pins it, so a changed image is an integrity failure. */
  readonly digest: string;
  /** The probe target for this image. */
  readonly target: HandlerTarget;
  readonly seed: CustomResource;
  readonly seedFunction: CanaryFunction;

  constructor(scope: Construct, id: string, props: KnownGoodImageProps) {
    super(scope, id);
    // The image is a pure function of its platforms, so its digest is known at synthesis and can be pinned.
    this.digest = buildMultiArchImage({ platforms: [...KNOWN_GOOD_PLATFORMS] }).index.digest;
    this.tag = knownGoodTag(this.digest);
    this.repository = this.createRepository(props.repositoryName);
    this.seedFunction = this.createSeedFunction(props);
    this.grantSeed(this.seedFunction.role);
    this.seed = this.createSeed(props.repositoryName);
    this.target = {
      name: KNOWN_GOOD_TARGET_NAME,
      image: `${props.repositoryName}:${this.tag}`,
      platforms: [...KNOWN_GOOD_PLATFORMS],
      expectedDigest: this.digest,
    };
  }

  private createRepository(repositoryName: string): ecr.Repository {
    return new ecr.Repository(this, 'Repository', {
      repositoryName,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      // Encrypted at rest with the ECR-managed key; a KMS key would cost $1 a month to protect a public text file.
      encryption: ecr.RepositoryEncryption.AES_256,
      lifecycleRules: [
        {
          description: 'Keep the newest seeded images',
          // Tagged only: the platform manifests of a multi-arch image are untagged, and an untagged-image rule
          // could expire them from under the index the canary probes.
          tagStatus: ecr.TagStatus.TAGGED,
          tagPrefixList: [KNOWN_GOOD_TAG_PREFIX],
          maxImageCount: KEEP_SEEDED_IMAGES,
        },
      ],
      emptyOnDelete: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private createSeedFunction(props: KnownGoodImageProps): CanaryFunction {
    return new CanaryFunction(this, 'SeedFunction', {
      code: 'seed',
      description: 'ecr-pull-canary: pushes the known-good image at deploy time',
      timeout: SEED_TIMEOUT,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
    });
  }

  /** What the seeding function calls: a token, then a push into the canary-owned repository alone. */
  private grantSeed(role: iam.IRole): void {
    // The token call has no resource-level permissions.
    ecr.AuthorizationToken.grantRead(role);
    this.repository.grant(
      role,
      // Reading the tag first: an immutable tag refuses even an identical second push.
      'ecr:BatchGetImage',
      'ecr:BatchCheckLayerAvailability',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only ecr:GetAuthorizationToken is on "*": it has no resource-level permissions. Every repository action is on the canary-owned repository alone.',
    });
  }

  private createSeed(repositoryName: string): CustomResource {
    const seed = new CustomResource(this, 'Seed', {
      serviceToken: this.seedFunction.function.functionArn,
      resourceType: 'Custom::EcrPullCanaryKnownGoodImage',
      serviceTimeout: SEED_SERVICE_TIMEOUT,
      properties: {
        [SEED_PROPERTIES.repository]: repositoryName,
        [SEED_PROPERTIES.tag]: this.tag,
        [SEED_PROPERTIES.platforms]: [...KNOWN_GOOD_PLATFORMS],
        [SEED_PROPERTIES.digest]: this.digest,
      },
    });
    seed.node.addDependency(this.repository);
    return seed;
  }
}
