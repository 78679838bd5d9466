import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: the AWS CLI, the SDKs (JavaScript, Go, Python, Java), STS and IAM, the ECR API, the ECR credential helper. */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const AWS: readonly PhraseRow[] = [
  ['integrity/lambda-media-type', /The image manifest(?:, config)? or layer media type for the source image\s[\s\S]{0,400}?is not supported/i, 'https://github.com/aws-samples/bedrock-access-gateway/issues/206'],
  ['integrity/lambda-media-type', /UnsupportedImageLayerDetected/i, 'https://github.com/bazel-contrib/rules_oci/issues/777'],
  ['permission/lambda-image', /Lambda does not have permission to access the ECR image/i, 'https://github.com/mongodb/mongodbatlas-cloudformation-resources/pull/316'],
  ['permission/lambda-image', /The function does not have permission to access the specified image/i, 'https://github.com/aws/aws-cdk/issues/27007'],
  ['not-found/repository-or-tag', /The function is trying to use a deleted image/i, 'https://github.com/aws-actions/aws-lambda-deploy/issues/68'],
  ['clock-skew/signature-window', /signature expired: \d{8}T\d{6}Z is now earlier than/i, 'https://github.com/upmc-enterprises/registry-creds/issues/24'],
  ['clock-skew/signature-window', /signature not\s{1,3}yet current/i, 'https://github.com/aws/aws-sdk-go/issues/2194'],
  ['clock-skew/signature-window', /signature expired/i, 'https://github.com/upmc-enterprises/registry-creds/issues/24'],
  ['clock-skew/request-time', /\b(?:RequestTimeTooSkewed|RequestInTheFuture)\b/i, 'https://github.com/boot2docker/boot2docker/issues/469'],
  ['clock-skew/request-time', /difference between the request time and the current time is too large/i, 'https://github.com/boot2docker/boot2docker/issues/469'],
  ['credentials/assume-role-refused', /not authorized to perform:? sts:AssumeRole/i, 'https://github.com/amzn/selling-partner-api-models/issues/1186'],
  ['credentials/assume-role-refused', /\(AccessDenied\) when calling the AssumeRole\w{0,20} operation/i, 'https://github.com/amzn/selling-partner-api-models/issues/1186'],
  ['credentials/assume-role-refused', /WebIdentityErr/i, 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1935'],
  ['credentials/none-in-chain', /unable to locate credentials/i, 'boto/botocore:botocore/exceptions.py (NoCredentialsError, as the AWS CLI prints it)'],
  ['credentials/none-in-chain', /NoCredentialProviders/i, 'https://github.com/awslabs/amazon-ecr-credential-helper/issues/40'],
  ['credentials/none-in-chain', /no valid providers in chain/i, 'https://github.com/awslabs/amazon-ecr-credential-helper/issues/40'],
  ['credentials/none-in-chain', /could not load credentials/i, 'https://github.com/aws/aws-sdk-js-v3/issues/4679'],
  ['credentials/none-in-chain', /CredentialsProviderError/i, 'https://github.com/aws/aws-sdk-js-v3/issues/4679'],
  ['credentials/none-in-chain', /no EC2 (?:IMDS )?(?:instance )?role found/i, 'https://github.com/ElementTech/kube-arch-scheduler/issues/5'],
  ['credentials/none-in-chain', /EC2RoleRequestError/i, null],
  ['credentials/none-in-chain', /failed to refresh cached credentials/i, 'https://github.com/ElementTech/kube-arch-scheduler/issues/5'],
  ['credentials/none-in-chain', /failed to retrieve credentials/i, 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1935'],
  ['credentials/none-in-chain', /loading credentials from the default provider chain/i, null],
  ['credentials/none-in-chain', /CredentialsError: Missing credentials/i, 'https://github.com/aws/aws-toolkit-azure-devops/issues/483'],
  ['credentials/sso-session-expired', /SSO session [^\n]{0,60}(?:has )?expired/i, 'https://github.com/aws/aws-sdk/issues/531'],
  ['credentials/sso-session-expired', /error loading SSO token/i, null],
  ['credentials/sso-session-expired', /retrieving token from sso/i, 'https://github.com/aws/aws-cli/issues/7737'],
  ['credentials/sso-session-expired', /token has expired and refresh failed/i, 'https://github.com/aws/aws-cli/issues/7737'],
  ['credentials/sso-session-expired', /token for [^\n]{0,80} does not exist/i, null],
  ['auth/no-registry-credentials', /basic credential not found/i, null],
  ['auth/unsigned-request', /\bMissingAuthenticationToken(?:Exception)?\b/i, null],
  ['auth/unsigned-request', /Missing Authentication Token/i, null],
  ['auth/unsigned-request', /request must contain a signature/i, null],
  ['auth/bad-aws-credentials', /security token included in the request is (?:invalid|expired)/i, 'https://github.com/kciter/aws-ecr-action/issues/15'],
  ['auth/bad-aws-credentials', /request signature we calculated does not match/i, null],
  ['auth/bad-aws-credentials', /\b(?:UnrecognizedClientException|InvalidClientTokenId|ExpiredTokenException|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature)\b/i, 'https://github.com/kciter/aws-ecr-action/issues/15'],
  ['auth/bad-aws-credentials', /the AWS access key id you provided does not exist/i, null],
  ['permission/explicit-deny', /with an explicit deny/i, null],
  ['auth/registry-unauthorized', /the authorization token is not base64/im, null],
  // Case-sensitive: docker's lowercase "pull access denied" is the ambiguous message (ambiguous/access-denied-or-missing).
  ['permission/access-denied', /\bAccessDenied(?:Exception)?\b/, 'https://github.com/amzn/selling-partner-api-models/issues/1186'],
  ['throttle/rate-exceeded', /\bThrottl(?:ingException|eException|ing)\b/i, 'https://github.com/Shippable/support/issues/2950'],
  ['throttle/rate-exceeded', /request limit exceeded/i, null],
  ['throttle/rate-exceeded', /\bSlowDown\b/i, null],
  ['integrity/digest-mismatch', /ImageDigestDoesNotMatch/i, null],
  ['integrity/manifest-invalid', /Invalid parameter at 'ImageManifest'/i, null],
  ['not-found/repository-or-tag', /RepositoryNotFoundException/im, null],
  ['not-found/repository-or-tag', /\bImageNotFoundException/m, null],
  ['not-found/repository-or-tag', /LayersNotFoundException/im, 'https://github.com/monken/aws-ecr-public/issues/11'],
  ['not-found/repository-or-tag', /layer with digest \S{1,300}\s{1,3}does not exist/im, 'https://github.com/monken/aws-ecr-public/issues/11'],
  ['not-found/repository-or-tag', /\bImageNotFound\b/im, null],
  ['network/no-answer', /Could not connect to the endpoint URL/i, null],
  ['network/no-answer', /(?:Connect|Read) timeout on endpoint URL/i, 'https://github.com/ZhangYuanhan-AI/CelebASpoofChallengeSubmissionExample/issues/6'],
  ['network/no-answer', /Connection was closed before we received a valid response/i, 'https://github.com/aws/aws-cli/issues/7621'],
  ['network/no-answer', /SSL validation failed for/i, null],
  ['service/server-error', /\bServerException\b/i, null],
  ['service/server-error', /\bInternalFailure\b/i, null],
  ['service/server-error', /\bServiceUnavailable(?:Exception)?\b/i, null],
  // Batch 4's tuning set (issue 26, session 2): the SageMaker Python SDK's words for an image URI with no image behind it.
  ['not-found/repository-or-tag', /Could not find image '[^'\n]{1,400}' in repository/i, 'https://github.com/aws/sagemaker-python-sdk/issues/5925'],
  // Batch 4's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['not-found/repository-or-tag', /Cannot find the requested image/i, 'https://github.com/aws/amazon-sagemaker-examples/issues/1476'],
  ['permission/not-authorized', /does not have \w{3,40} permission for the image/i, 'https://github.com/aws/sagemaker-python-sdk/issues/2002'],
  // Batch 5's tuning set (issue 26, session 2).

  ['auth/pull-through-upstream', /The authentication to the upstream registry failed/i, 'https://github.com/aws/containers-roadmap/issues/2354'],
  ['not-found/repository-or-tag', /Source image \S{1,400} does not exist\. Provide a valid source image/i, 'https://github.com/aws/aws-cdk/issues/24648'],
  ['credentials/none-in-chain', /Error response received from instance metadata service/i, 'https://github.com/renovatebot/renovate/issues/9766'],
  ['credentials/none-in-chain', /Missing credentials in config/i, 'https://github.com/snyk/kubernetes-monitor/issues/1209'],
  ['ambiguous/ecr-push-refused', /failed commit on ref "manifest-sha256:[^"\n]{1,100}": unexpected status(?: from PUT request to \S{1,600}\.dkr\.ecr\S{0,600})?:? 403 Forbidden/i, 'https://github.com/medic/cht-core/issues/9175'],
  // Batch 5's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['permission/not-authorized', /does not grant ecr:[A-Za-z]{3,60}/i, 'https://github.com/aws/deep-learning-containers/issues/5657'],
  ['not-found/repository-or-tag', /Requested image ?\S{1,400} not found/i, 'https://github.com/aws-samples/easy-amazon-sagemaker-deployments/issues/4'],
  // Batch 7's tuning set (issue 26, session 2).

  ['credentials/assume-role-refused', /Error in assuming access role arn:aws:iam::/i, 'https://github.com/pulumi/pulumi/issues/12417'],
  // Batches 6 and 7's held-out groups, tuned on after their tuned records were written (issue 26, session 2).

  ['credentials/none-in-chain', /Could not find credentials matching ecr:/i, 'https://github.com/jenkinsci/amazon-ecr-plugin/issues/31'],
  ['credentials/credential-helper-failed', /failed to get ECR credentials: credentials not found in native keychain/i, 'https://github.com/concourse/docker-image-resource/issues/349'],
  ['credentials/none-in-chain', /Access key ID cannot be blank/i, 'https://github.com/jenkinsci/amazon-ecr-plugin/issues/194'],
  ['credentials/none-in-chain', /failed to get shared config profile/i, 'https://github.com/GoogleContainerTools/kaniko/issues/2808'],
  // The AWS SDK for JavaScript v2's UnknownEndpoint: the API host did not resolve or answer (a proxy it ignores, a region).
  ['network/no-answer', /Inaccessible host: `[^`'\n]{1,200}' at port `[^`'\n]{0,10}'/i, 'https://github.com/aws-actions/amazon-ecr-login/issues/313'],
  // Batch 8's tuning set (issue 26, session 2).

  ['not-found/repository-or-tag', /CannotPullContainerError: API error \(404\)/i, 'https://github.com/aws/amazon-ecs-agent/issues/1185'],
  ['integrity/digest-mismatch', /None of the provided layer digests match the calculated layer digest/i, 'https://github.com/abiosoft/colima/issues/1167'],
];
