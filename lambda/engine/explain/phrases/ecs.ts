import { SECRET_RETRIEVAL } from '../facts.ts';
import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: the ECS agent and Fargate: a task's stoppedReason and a container's reason. */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const ECS: readonly PhraseRow[] = [
  ['platform/ecs-no-descriptor', /Manifest does not contain descriptor matching platform/i, 'https://github.com/aviswerdlow/relay/issues/71'],
  ['platform/ecs-no-descriptor', /failed to find a descriptor for platform/i, 'https://github.com/aws/containers-roadmap/issues/1120'],
  ['credentials/ecs-assume-role', /ECS was unable to assume the role/i, null],
  ['credentials/none-in-chain', /CredentialsEndpointError/i, 'https://github.com/aws/amazon-ecs-cli/issues/752'],
  ['ambiguous/access-denied-or-missing', /insufficient[_ ]scope/im, 'https://github.com/aws-actions/amazon-ecs-deploy-task-definition/issues/584'],
  ['ambiguous/access-denied-or-missing', /does not exist or no pull access/im, 'https://github.com/RafalWilinski/deploy-with-serverless/issues/11'],
  ['auth/registry-unauthorized', /incorrect username or password/im, 'aws/amazon-ecs-agent:ecs-agent/api/errors/error_messages_test.go'],
  // Only when no status follows, on this line or the next.
  ['ambiguous/status-not-given', /failed to copy: httpRead\w{0,10}Seeker: failed open: unexpected status code(?![ \t]{0,5}\n?[ \t]{0,5}(?:\S{1,600}:[ \t]{0,3})?[1-5]\d\d)[ \t]*$/im, 'https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/task_cannot_pull_image.md (Amazon ECS "CannotPullContainer task errors")'],
  ['integrity/digest-mismatch', /verification failed for digest/i, 'https://github.com/aws/amazon-ecs-agent/issues/385'],
  ['not-found/repository-or-tag', /repository \S{1,300} not found/im, 'https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/task_cannot_pull_image.md (Amazon ECS "CannotPullContainer task errors")'],
  // ECS's words when the task's network cannot reach ECR (no NAT, no VPC endpoint).
  ['network/no-answer', /There is a connection issue between the task and Amazon ECR/i, 'https://github.com/anomalyco/sst/issues/6019'],
  ['network/no-answer', /CannotPullContainerError: timeout[ \t]*$/im, 'https://github.com/aws-samples/aws-batch-with-ffmpeg/issues/21'],
  ['network/no-answer', /i\/o timeout/i, 'https://github.com/ActionIQ/terraform-aws-retool-ecs-fargate/issues/20'],
  ['network/no-answer', /dial tcp/i, 'https://github.com/ActionIQ/terraform-aws-retool-ecs-fargate/issues/20'],
  ['network/no-answer', /context deadline exceeded/i, 'https://github.com/Releem/releem-agent/issues/195'],
  ['network/no-answer', /context canceled/i, 'https://github.com/umotif-public/terraform-aws-ecs-fargate/issues/50'],
  ['network/no-answer', /request canceled/i, 'https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/task_cannot_pull_image.md (Amazon ECS "CannotPullContainer task errors")'],
  ['network/no-answer', /Client\.Timeout exceeded/i, 'aws/amazon-ecs-agent:ecs-agent/api/errors/error_messages_test.go'],
  ['network/no-answer', /RequestError: send request failed/i, 'https://github.com/aws/amazon-ecs-cli/issues/752'],
  ['ambiguous/ecs-secret', SECRET_RETRIEVAL, 'https://github.com/umotif-public/terraform-aws-ecs-fargate/issues/50'],
  // Batch 4's tuning set (issue 26, session 2).

  ['credentials/ecs-no-execution-role', /requires task definition to have execution role ARN/i, 'https://github.com/nathanpeck/aws-cloudformation-fargate/issues/1'],
];
