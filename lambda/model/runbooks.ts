import type { Category } from './types.ts';

/**
 * One runbook per failure category. This is the single source for the remediation line in probe results,
 * the alarm descriptions and the notification bodies, so the three never disagree.
 */
export interface Runbook {
  /** A few words for subjects and dashboards. */
  title: string;
  /** What the canary observed, in the on-call engineer's terms. */
  saw: string;
  /** Likely causes, most likely first. */
  causes: string[];
  /** Commands to confirm the cause, run from the same network and identity as the failing workload. */
  checks: string[];
  /** What to do about it: one line, shown wherever space is short. */
  fix: string;
}

export const RUNBOOKS: Record<Category, Runbook> = {
  credentials: {
    title: 'No usable AWS credentials',
    saw: 'The probe could not obtain the credentials it expected: none were found, loading them timed out, AssumeRole was refused, or the chain resolved to an identity other than the expected one.',
    causes: [
      'Credentials are not configured for this host, task or function; on a laptop or build agent: no aws configure, an expired aws sso login session, or AWS_PROFILE not naming the profile that can pull.',
      'An earlier link of the credential chain (a leftover AWS_ACCESS_KEY_ID, a profile, an expired SSO session) returned valid but wrong credentials, so the intended role was never used.',
      'On EC2, IMDSv2 with a hop limit of 1 keeps containers from reaching instance metadata.',
      'The role trust policy does not let this identity assume the workload role.',
    ],
    checks: [
      'aws sts get-caller-identity',
      'aws configure list',
      'env | grep ^AWS_',
      'aws ec2 describe-instances --instance-ids <id> --query "Reservations[].Instances[].MetadataOptions"',
      'aws iam get-role --role-name <role> --query Role.AssumeRolePolicyDocument',
    ],
    fix: 'On a laptop or build agent, run aws configure, or aws sso login --profile <name> with AWS_PROFILE=<name>; on AWS compute, make the chain resolve to the intended role: remove stray AWS_* variables and profiles, attach the instance/task/IRSA role, raise the IMDS hop limit to 2 for containers, or fix the role trust policy.',
  },
  auth: {
    title: 'Authentication rejected',
    saw: 'AWS or the registry rejected the credential itself: unknown or expired keys, a signature that does not match, an expired or malformed 12-hour registry token, or a registry 401.',
    causes: [
      'The 12-hour ECR authorization token expired and nothing fetched a new one (docker login done once, a cached credential helper).',
      'STS session credentials expired, or the access key, secret and session token come from different sessions.',
      'The access key was deactivated or deleted.',
    ],
    checks: [
      'aws sts get-caller-identity',
      'aws ecr get-login-password --region <region> | docker login --username AWS --password-stdin <account>.dkr.ecr.<region>.amazonaws.com',
      'aws iam list-access-keys --user-name <user>',
    ],
    fix: 'Fetch a fresh token with GetAuthorizationToken before each pull (use the ECR credential helper), and take the access key, secret and session token from one assume-role response; rotate revoked keys.',
  },
  permission: {
    title: 'Access denied',
    saw: 'The identity authenticated but is not allowed to get a token or read the image (AccessDenied or registry 403 DENIED), or the layer storage (S3) answered 403 to a layer download (phase layer).',
    causes: [
      'The identity policy lacks ecr:GetAuthorizationToken on "*" or ecr:BatchGetImage / ecr:GetDownloadUrlForLayer on the repository.',
      'A cross-account repository has no repository policy for this principal.',
      'A VPC endpoint policy, SCP or permissions boundary denies the action.',
      // https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html ("Minimum Amazon S3 bucket
      // permissions for Amazon ECR"): the S3 gateway endpoint policy must allow the layer bucket.
      'Layer download 403 (phase layer): the S3 gateway endpoint policy (or a bucket-restricting VPC endpoint policy) does not allow s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/*, the minimum the ECR VPC endpoint guide documents.',
    ],
    checks: [
      'aws sts get-caller-identity',
      'aws iam simulate-principal-policy --policy-source-arn <role-arn> --action-names ecr:GetAuthorizationToken ecr:BatchGetImage --resource-arns <repository-arn>',
      'aws ecr get-repository-policy --repository-name <repo> --region <region>',
      'aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.<region>.ecr.dkr --query "VpcEndpoints[].PolicyDocument"',
      'aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.<region>.s3 --query "VpcEndpoints[].[VpcEndpointId,PolicyDocument]"',
    ],
    fix: 'Grant ecr:GetAuthorizationToken on "*" and ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository to this identity; for another account add a repository policy; check VPC endpoint policies and SCPs; a layer 403 from S3: allow prod-<region>-starport-layer-bucket in the S3 endpoint policy.',
  },
  throttle: {
    title: 'ECR throttling',
    saw: 'ECR answered with throttling (ThrottlingException or registry 429) and the request still failed after the SDK retries.',
    causes: [
      'A scale-out makes many nodes or tasks call GetAuthorizationToken and BatchGetImage at once.',
      'A tool fetches a new token for every pull instead of reusing it for up to 12 hours.',
      'The account is near the regional request quota.',
    ],
    checks: [
      'aws service-quotas list-service-quotas --service-code ecr --region <region>',
      'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=GetAuthorizationToken --max-results 50 --region <region>',
    ],
    fix: 'Reuse tokens for their 12-hour life, stagger scale-outs, put hot images behind a pull-through cache, and request a quota increase if the load is legitimate.',
  },
  'clock-skew': {
    title: 'Host clock skew',
    saw: 'The host clock differs from AWS time by more than the threshold; signed requests fail once it passes the signing window.',
    causes: [
      'The host or container has no working time source (NTP / chrony stopped or blocked).',
      'A VM resumed from suspend or a long-running host drifted.',
    ],
    checks: [
      'date -u',
      'curl -sI https://api.ecr.<region>.amazonaws.com | grep -i ^date',
      'chronyc tracking',
    ],
    fix: 'Restore time sync on the host (chrony or systemd-timesyncd against the Amazon Time Sync Service, 169.254.169.123) and restart clients that cached a bad offset.',
  },
  'not-found': {
    title: 'Repository or image not found',
    saw: 'The repository or the tag/digest does not exist where the reference points.',
    causes: [
      'The repository name or tag is wrong, or the tag was deleted or expired by a lifecycle rule.',
      'The registry URL names the wrong region or account.',
      'A pull-through cache rule does not match the path.',
    ],
    checks: [
      'aws ecr describe-repositories --repository-names <repo> --region <region>',
      'aws ecr describe-images --repository-name <repo> --image-ids imageTag=<tag> --region <region>',
      'aws ecr describe-pull-through-cache-rules --region <region>',
    ],
    fix: 'Point the reference at an existing repository and tag in the right account and region, or push the image; exclude the tag from lifecycle expiry.',
  },
  platform: {
    title: 'Platform missing from image',
    saw: 'The image exists but does not offer a required platform (for example linux/arm64).',
    causes: [
      'The image was built for one architecture only.',
      'The multi-arch build or its push of the index failed.',
    ],
    checks: ['docker manifest inspect <image>', 'docker buildx imagetools inspect <image>'],
    fix: 'Build and push a multi-arch image (docker buildx build --platform linux/amd64,linux/arm64 --push) or schedule the workload on nodes of an available architecture.',
  },
  integrity: {
    title: 'Manifest integrity',
    saw: 'The manifest bytes do not match the digest ECR announced or the pinned digest, or cannot be parsed.',
    causes: [
      'The tag was moved to another image while the pinned digest was not updated.',
      'A proxy or cache between the host and ECR altered the response.',
    ],
    checks: [
      'aws ecr batch-get-image --repository-name <repo> --image-ids imageTag=<tag> --region <region> --query "images[].imageId"',
      'aws ecr describe-images --repository-name <repo> --region <region>',
    ],
    fix: 'Update the pinned digest if the tag moved on purpose (use immutable tags); otherwise remove the intercepting proxy from the path.',
  },
  network: {
    title: 'Network path to ECR',
    saw: 'The request never got an answer: DNS failure, connection refused or reset, TLS failure, or the deadline passed (phase layer: S3 layer storage).',
    causes: [
      'A security group, NACL or missing NAT route blocks HTTPS to ECR.',
      'The ecr.api / ecr.dkr interface endpoint has private DNS off, or (layers) no S3 gateway endpoint or HTTPS rule reaches prod-<region>-starport-layer-bucket on S3.',
      'A DNS resolver or outbound proxy is failing.',
    ],
    checks: [
      'nc -zv <account>.dkr.ecr.<region>.amazonaws.com 443',
      'dig +short api.ecr.<region>.amazonaws.com <account>.dkr.ecr.<region>.amazonaws.com',
      'aws ec2 describe-vpc-endpoints --region <region> --query "VpcEndpoints[].[ServiceName,State,PrivateDnsEnabled]"',
      'dig +short prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com; nc -zv prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com 443',
      'aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> --query "RouteTables[].Routes[].[DestinationPrefixListId,GatewayId,NatGatewayId]"',
    ],
    fix: 'Open HTTPS from the workload subnets to the ECR endpoints (interface endpoints with private DNS, or a NAT route), add the S3 gateway endpoint for the layer bucket, and fix DNS resolution.',
  },
  service: {
    title: 'ECR service error',
    saw: 'ECR answered with a server error (5xx or ServerException).',
    causes: ['Regional ECR trouble.', 'A transient server-side fault.'],
    checks: [
      'Check the AWS Health Dashboard for ECR in the region',
      'aws health describe-events --filter services=ECR',
    ],
    fix: 'Check AWS Health for ECR in the region; if it persists, open a support case and pull from a replica region or a pull-through cache meanwhile.',
  },
  unknown: {
    title: 'Unclassified failure',
    saw: 'The pull failed in a way the canary does not recognise; the raw error code is kept.',
    causes: ['A new or rare error from ECR, the registry or the SDK.'],
    checks: ['Re-run the probe CLI with --json from the same host and read errorCode and message'],
    fix: 'Read the error code and message, then open an issue with them so the canary learns this failure.',
  },
};

/** The one-line remediation for a category. */
export function remediationFor(category: Category): string {
  return RUNBOOKS[category].fix;
}
