import { DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type Subscription,
} from '@aws-sdk/client-sns';
import { maskEndpoint } from '../../engine/aws/endpoint.ts';
import { TOPIC_KEY_PUBLISH_ACTIONS } from '../../engine/model/contract.ts';
import { evaluate, policyStatements, UnmodelledPolicyError } from '../../engine/model/iam-policy.ts';
import { regionPartition } from '../../engine/model/regions.ts';
import { cloudWatchMayUseKey } from '../../engine/model/topic-key.ts';
import { type CheckContext, call, check, type Place, type PreflightCheck, unanswered } from './check.ts';

/** The existing topic's part of a region's `notifications`, read by name. */
export interface ExistingTopicInput {
  topicArn: string;
  topicKmsKeyArn?: string | undefined;
  emails: string[];
  httpsEndpoints: string[];
  /** One of this canary's alarm names in this region (lambda/engine/config/alarm-naming.ts alarmName), for CloudWatch's aws:SourceArn. */
  alarmName: string;
}

/**
 * The existing topic is there (`kmsMasterKeyId` is then its key, or null; undefined when the topic was not read), and the subscriptions the app would add do not collide with the team's own: SNS
 * refuses an endpoint already subscribed with other attributes ("Subscription already exists with different
 * attributes"), and with the same ones the stack's delete would unsubscribe the team's subscription.
 */
export async function topicCheck(
  ctx: CheckContext,
  place: Place,
  topic: ExistingTopicInput,
): Promise<{ result: PreflightCheck; kmsMasterKeyId: string | null | undefined }> {
  const sns = ctx.clients.sns(place.region);
  const attributes = await call(ctx, (abortSignal) =>
    sns.send(new GetTopicAttributesCommand({ TopicArn: topic.topicArn }), { abortSignal }),
  );
  if (!attributes.ok) {
    if (attributes.name === 'NotFound' || attributes.name === 'NotFoundException') {
      return {
        result: check(
          'topic',
          place,
          'fail',
          `notifications.topicArn ${topic.topicArn} does not exist`,
          'create the topic first, or remove notifications.topicArn to let the canary create its own',
          { topicArn: topic.topicArn },
        ),
        kmsMasterKeyId: undefined,
      };
    }
    return {
      result: unanswered('topic', place, 'sns:GetTopicAttributes', attributes),
      kmsMasterKeyId: undefined,
    };
  }
  const kmsMasterKeyId = attributes.value.Attributes?.KmsMasterKeyId || null;
  const wanted = [
    ...topic.emails.map((endpoint) => ({ protocol: 'email', endpoint })),
    ...topic.httpsEndpoints.map((endpoint) => ({ protocol: 'https', endpoint })),
  ];
  // A validated configuration names endpoints with an existing topic only when it opts in to subscribing them
  // (lambda/engine/config/validation.ts checkExistingTopicSubscriptions): the app adds exactly these.
  if (wanted.length === 0) {
    return {
      result: check(
        'topic',
        place,
        'pass',
        `${topic.topicArn} exists; the app adds no subscription to it`,
        null,
        { topicArn: topic.topicArn },
      ),
      kmsMasterKeyId,
    };
  }
  const subscriptions: Subscription[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(ctx, (abortSignal) =>
      sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.topicArn, NextToken: nextToken }), {
        abortSignal,
      }),
    );
    if (!page.ok)
      return { result: unanswered('topic', place, 'sns:ListSubscriptionsByTopic', page), kmsMasterKeyId };
    subscriptions.push(...(page.value.Subscriptions ?? []));
    nextToken = page.value.NextToken;
  } while (nextToken);
  const taken = wanted.filter((w) =>
    subscriptions.some(
      (s) => s.Protocol === w.protocol && s.Endpoint?.toLowerCase() === w.endpoint.toLowerCase(),
    ),
  );
  const details = {
    topicArn: topic.topicArn,
    subscriptions: subscriptions.length,
    alreadySubscribed: taken.map((t) => ({ ...t, endpoint: maskEndpoint(t.endpoint) })),
  };
  // The app's HTTPS subscriptions carry a filter policy (lib/alarm-topic.ts pagerFilterPolicy): a team's own
  // subscription of that URL has other attributes, and CloudFormation's Subscribe fails.
  const refused = taken.filter((t) => t.protocol === 'https');
  if (refused.length > 0) {
    return {
      result: check(
        'topic',
        place,
        'fail',
        `${refused.map((t) => maskEndpoint(t.endpoint)).join(', ')} ${refused.length === 1 ? 'is' : 'are'} already subscribed to ${topic.topicArn}: SNS refuses the app's subscription ("Subscription already exists with different attributes")`,
        'remove these endpoints from notifications.httpsEndpoints (the topic already delivers to them), or leave the existing topic alone and let the canary create its own',
        details,
      ),
      kmsMasterKeyId,
    };
  }
  if (taken.length > 0) {
    return {
      result: check(
        'topic',
        place,
        'warn',
        `${taken.map((t) => maskEndpoint(t.endpoint)).join(', ')} already subscribed to ${topic.topicArn}: deleting the canary's stack would unsubscribe the team's own subscription`,
        'remove these addresses from notifications.emails: the topic already delivers to them',
        details,
      ),
      kmsMasterKeyId,
    };
  }
  return {
    result: check(
      'topic',
      place,
      'pass',
      `${topic.topicArn} exists; none of the ${wanted.length} endpoint(s) to add is subscribed yet`,
      null,
      details,
    ),
    kmsMasterKeyId,
  };
}

/**
 * The existing topic's key: a customer-managed key (CloudWatch cannot use `alias/aws/sns`, and alarm
 * notifications are dropped), named in `notifications.topicKmsKeyArn` (the function is granted that key), whose
 * policy lets CloudWatch use it and delegates to IAM in the account (the function's role is granted by an IAM
 * policy, which a key policy must admit: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export async function topicKeyCheck(
  ctx: CheckContext,
  place: Place,
  topic: ExistingTopicInput,
  kmsMasterKeyId: string | null,
): Promise<PreflightCheck> {
  if (!kmsMasterKeyId) {
    if (topic.topicKmsKeyArn) {
      return check(
        'topic-key',
        place,
        'warn',
        `${topic.topicArn} is not encrypted, but notifications.topicKmsKeyArn names ${topic.topicKmsKeyArn}`,
        'remove notifications.topicKmsKeyArn, or encrypt the topic with that key',
        { topicArn: topic.topicArn },
      );
    }
    return check('topic-key', place, 'skip', `${topic.topicArn} is not encrypted: no key to check`, null);
  }
  const kms = ctx.clients.kms(place.region);
  const described = await call(ctx, (abortSignal) =>
    kms.send(new DescribeKeyCommand({ KeyId: kmsMasterKeyId }), { abortSignal }),
  );
  if (!described.ok) return unanswered('topic-key', place, 'kms:DescribeKey', described);
  const keyArn = described.value.KeyMetadata?.Arn ?? kmsMasterKeyId;
  const details = { topicArn: topic.topicArn, keyArn, topicKmsKeyArn: topic.topicKmsKeyArn ?? null };
  if (described.value.KeyMetadata?.KeyManager === 'AWS') {
    return check(
      'topic-key',
      place,
      'fail',
      `${topic.topicArn} is encrypted with the AWS managed key ${kmsMasterKeyId}: CloudWatch cannot use it, and alarm notifications are dropped`,
      'encrypt the topic with a customer managed key whose policy lets cloudwatch.amazonaws.com use it, and name it in notifications.topicKmsKeyArn',
      details,
    );
  }
  const problems: string[] = [];
  const fixes: string[] = [];
  if (topic.topicKmsKeyArn !== keyArn) {
    problems.push(
      `the topic's key is ${keyArn}, but notifications.topicKmsKeyArn is ${topic.topicKmsKeyArn ?? 'not set'}: the function may not use the key and every diagnosis fails`,
    );
    fixes.push(`set notifications.topicKmsKeyArn to ${keyArn}`);
  }
  const policy = await call(ctx, (abortSignal) =>
    kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }), { abortSignal }),
  );
  if (!policy.ok) {
    const unread = unanswered('topic-key', place, 'kms:GetKeyPolicy', policy);
    if (problems.length === 0) return unread;
    return check(
      'topic-key',
      place,
      'fail',
      `${problems.join('; ')}; ${unread.saw}`,
      fixes.join('; '),
      details,
    );
  }
  const partition = regionPartition(place.region);
  let judged = true;
  try {
    const statements = policyStatements(policy.value.Policy ?? '{}');
    const cloudwatch = cloudWatchMayUseKey(statements, {
      account: place.account,
      region: place.region,
      alarmName: topic.alarmName,
      keyArn,
    });
    if (!cloudwatch) {
      problems.push(
        'its key policy does not let cloudwatch.amazonaws.com use it: alarm notifications are dropped',
      );
      fixes.push(
        'add a key policy statement allowing the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*',
      );
    }
    const delegated = TOPIC_KEY_PUBLISH_ACTIONS.every(
      (action) =>
        evaluate(statements, {
          principal: `arn:${partition}:iam::${place.account}:root`,
          action,
          resource: keyArn,
          context: {},
        }) === 'allow',
    );
    if (!delegated) {
      problems.push(
        `its key policy does not delegate to IAM in account ${place.account}: the function's role cannot be granted the key`,
      );
      fixes.push(
        `add the default key policy statement (Principal arn:${partition}:iam::${place.account}:root, Action kms:*) or allow that principal ${TOPIC_KEY_PUBLISH_ACTIONS.join(' and ')}`,
      );
    }
  } catch (error) {
    judged = false;
    problems.push(
      `its key policy could not be judged (${error instanceof UnmodelledPolicyError ? error.message : 'not JSON'})`,
    );
    fixes.push('check by hand that it lets cloudwatch.amazonaws.com and the account use the key');
  }
  if (problems.length > 0) {
    const onlyUnjudged = !judged && problems.length === 1;
    return check(
      'topic-key',
      place,
      onlyUnjudged ? 'warn' : 'fail',
      `${keyArn}: ${problems.join('; ')}`,
      fixes.join('; '),
      details,
    );
  }
  return check(
    'topic-key',
    place,
    'pass',
    `${keyArn} is customer managed, named in notifications.topicKmsKeyArn, and its policy admits CloudWatch and the account's IAM`,
    null,
    details,
  );
}
