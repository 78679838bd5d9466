/**
 * ARN shapes the canary accepts, written once for the configuration file, the construct and the function's
 * environment parsing. Capture groups where a caller needs the parts: partition, region, account.
 */

/** A standard (not FIFO) SNS topic: 1: partition, 2: region, 3: account, 4: topic name. */
export const SNS_TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/** A KMS key by ARN (not an alias, which IAM cannot grant key use on): 1: partition, 2: region, 3: account. */
export const KMS_KEY_ARN =
  /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;

/** What a credential chain can resolve to: an IAM role or user, or an STS assumed-role session. */
export const PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:(iam::\d{12}:(role|user)\/|sts::\d{12}:assumed-role\/)[A-Za-z0-9+=,.@_/-]+$/;

export const ACCOUNT_ID = /^\d{12}$/;

export interface TopicArnParts {
  partition: string;
  region: string;
  account: string;
  name: string;
}

/** The parts of an SNS topic ARN, or null when it is not one. */
export function parseTopicArn(arn: string): TopicArnParts | null {
  const match = SNS_TOPIC_ARN.exec(arn);
  if (!match) return null;
  const [, partition = '', region = '', account = '', name = ''] = match;
  return { partition, region, account, name };
}
