import { TOPIC_KEY_PUBLISH_ACTIONS } from './contract.ts';
import { evaluate, type PolicyStatement } from './iam-policy.ts';
import { regionPartition } from './regions.ts';

/**
 * Whether a topic key's policy lets CloudWatch use the key for an alarm's notification: the service principal
 * cloudwatch.amazonaws.com may call every one of TOPIC_KEY_PUBLISH_ACTIONS, with the conditions CloudWatch's
 * requests carry (aws:SourceAccount, aws:SourceArn of the alarm). Without it, "CloudWatch Alarms does not have
 * authorization to access the SNS topic encryption key" and the notification is dropped (SNS developer guide, key
 * management; docs/notifications.md). One judgement for preflight, status and the tests' CloudWatch double.
 */
export function cloudWatchMayUseKey(
  statements: readonly PolicyStatement[],
  where: { account: string; region: string; alarmName: string; keyArn: string },
): boolean {
  const alarmArn = `arn:${regionPartition(where.region)}:cloudwatch:${where.region}:${where.account}:alarm:${where.alarmName}`;
  return TOPIC_KEY_PUBLISH_ACTIONS.every(
    (action) =>
      evaluate(statements, {
        principal: { service: 'cloudwatch.amazonaws.com' },
        action,
        resource: where.keyArn,
        context: { 'aws:SourceAccount': where.account, 'aws:SourceArn': alarmArn },
      }) === 'allow',
  );
}
