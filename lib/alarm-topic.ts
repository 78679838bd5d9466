import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  checkExistingTopicSubscriptions,
  checkTopicArn,
  checkTopicPlacement,
  Problems,
} from '../lambda/engine/config/validation.ts';
import { TOPIC_KEY_PUBLISH_ACTIONS } from '../lambda/engine/model/contract.ts';

export interface NotificationOptions {
  /**
   * Use this existing topic instead of creating one. It must be in the stack's region: CloudWatch alarm
   * actions cannot cross regions.
   * @default - a new topic
   */
  readonly topicArn?: string;
  /**
   * The customer-managed KMS key of the existing topic (`topicArn`) when that topic is encrypted (SSE-KMS): the
   * function may then use it to publish (`kms:GenerateDataKey`, `kms:Decrypt`); without it every diagnosis
   * fails with a KMS access error. A key ARN in the topic's region, not an alias. The canary changes no policy
   * of a key it does not own, so the key policy must already (1) delegate to IAM — the default key policy's
   * statement allowing `arn:aws:iam::ACCOUNT:root` `kms:*` — or the function role's IAM grant has no effect
   * ("IAM policies by themselves are not sufficient to allow access to a KMS key", KMS key policies), and
   * (2) let `cloudwatch.amazonaws.com` use it (`kms:Decrypt`, `kms:GenerateDataKey*`), or alarm notifications
   * are dropped; scope that statement as the canary's own key does ({@link alarmPublisherConditions}).
   * @default - the existing topic is not encrypted with a customer-managed key
   */
  readonly topicKmsKeyArn?: string;
  /**
   * E-mail addresses to subscribe (each confirms by e-mail once).
   * @default - none
   */
  readonly emails?: string[];
  /**
   * With `topicArn`: subscribe `emails` and `httpsEndpoints` to that existing topic too. Off by default, and
   * giving subscriptions with `topicArn` without it is an error, because of what SNS does with a topic that is
   * not the canary's: Subscribe refuses an endpoint the topic already has with other attributes ("Invalid
   * parameter: Attributes Reason: Subscription already exists with different attributes"), which fails the
   * deploy; with identical attributes SNS returns the existing subscription, which the stack then owns, so
   * deleting the stack (or removing the endpoint here) unsubscribes the team's own subscription. Say `true`
   * only for endpoints the topic does not have yet and that may go with the stack.
   * @default false
   */
  readonly subscribeExistingTopic?: boolean;
  /**
   * HTTPS endpoints to subscribe, e.g. a PagerDuty or Opsgenie CloudWatch integration URL. They receive this
   * canary's alarm notifications only (ALARM and OK, so incidents resolve themselves), not the function's
   * free-text diagnoses, which e-mail subscribers get as well. See {@link pagerFilterPolicy}.
   * @default - none
   */
  readonly httpsEndpoints?: string[];
  /**
   * Encrypt the created topic with a customer-managed KMS key whose policy lets CloudWatch use it. Ignored for
   * an existing topic. Not the AWS-managed `alias/aws/sns` key: CloudWatch cannot use it, and alarm
   * notifications to such a topic are dropped without any error outside the alarm history.
   * @default false
   */
  readonly encryption?: boolean;
}

export interface AlarmTopicProps extends NotificationOptions {
  /**
   * What the names of the canary's alarms start with ({@link alarmNamePrefix}): the topic policy lets the
   * CloudWatch service publish only for these alarms of this account and region, and pagers receive only
   * their notifications.
   */
  readonly alarmNamePrefix: string;
}

/** Fields of the JSON body CloudWatch publishes for an alarm state change (it sets no message attributes). */
export const CLOUDWATCH_ALARM_FIELDS = { name: 'AlarmName', newState: 'NewStateValue' } as const;
/** The alarm states pagers open and resolve incidents on. The alarms have no INSUFFICIENT_DATA action. */
export const PAGED_ALARM_STATES = ['ALARM', 'OK'] as const;

/**
 * The filter policy of pager subscriptions, on the message body (`FilterPolicyScope: MessageBody`): this
 * canary's alarm notifications going to ALARM or OK, and nothing else.
 *
 * Why the body and not attributes: CloudWatch alarm notifications carry no message attributes, and SNS never
 * matches `"exists": false` on a message without attributes ("Key matching": an empty attribute set does not
 * match), so an attribute policy that excludes the diagnoses by their `kind` attribute also drops every
 * alarm. A body policy matches the alarm's own JSON fields instead. The diagnoses are plain text: SNS's
 * body filtering assumes a well-formed JSON object ("Amazon SNS message filtering"), and a text body has no
 * `AlarmName` property, so it can never match these positive conditions, whatever SNS does with text.
 * Another alarm publishing to a shared topic (`topicArn`) does not reach the pager through this
 * subscription either: its name lacks the prefix.
 */
export function pagerFilterPolicy(alarmNamePrefix: string): Record<string, sns.FilterOrPolicy> {
  return {
    [CLOUDWATCH_ALARM_FIELDS.name]: sns.FilterOrPolicy.filter(
      sns.SubscriptionFilter.stringFilter({ matchPrefixes: [alarmNamePrefix] }),
    ),
    [CLOUDWATCH_ALARM_FIELDS.newState]: sns.FilterOrPolicy.filter(
      sns.SubscriptionFilter.stringFilter({ allowlist: [...PAGED_ALARM_STATES] }),
    ),
  };
}

/**
 * Who may act as CloudWatch for this canary's alarms: the service principal calling on behalf of an alarm of this
 * account and region whose name starts with the canary's prefix. The confused-deputy conditions AWS documents for
 * service principals (aws:SourceAccount, aws:SourceArn: IAM "The confused deputy problem"; SNS "Enable
 * compatibility between event sources from AWS services and encrypted topics" shows aws:SourceArn in the key
 * policy). Written once: the topic policy and the key policy both use it, so they cannot disagree.
 */
export function alarmPublisherConditions(stack: Stack, alarmNamePrefix: string): Record<string, unknown> {
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${alarmNamePrefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
  };
}

/** The region's notification topic: alarms and the canary's own diagnoses go here. */
export class AlarmTopic extends Construct {
  readonly topic: sns.ITopic;
  /** The customer-managed key, when the created topic is encrypted. */
  readonly key?: kms.Key;
  /** The key publishers must be able to use: the created key, or the existing topic's (`topicKmsKeyArn`). */
  readonly publishKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (props.topicArn !== undefined) {
      this.topic = this.importTopic(props.topicArn, props.topicKmsKeyArn);
      if (props.topicKmsKeyArn !== undefined) {
        this.publishKey = kms.Key.fromKeyArn(this, 'TopicKey', props.topicKmsKeyArn);
      }
    } else {
      if (props.encryption) this.key = this.createKey(props.alarmNamePrefix);
      this.topic = this.createTopic(props.alarmNamePrefix);
      this.publishKey = this.key;
    }
    this.subscribe(props);
  }

  /**
   * Lets `grantee` publish, including use of the topic's key when there is one: `sns:Publish` through the
   * topic's L2 grants, and exactly the two KMS actions SNS calls for a publisher, on the key alone (the L2
   * `topic.grantPublish` would grant `kms:GenerateDataKey*`, and the key's own grant would also widen the key
   * policy).
   */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    const publish = sns.TopicGrants.fromTopic(this.topic).actions(grantee, ['sns:Publish']);
    if (!this.publishKey) return publish;
    return publish.combine(
      iam.Grant.addToPrincipal({
        grantee,
        // What SNS asks KMS for on behalf of a publisher: a data key to encrypt the message with.
        actions: [...TOPIC_KEY_PUBLISH_ACTIONS],
        resourceArns: [this.publishKey.keyArn],
      }),
    );
  }

  private importTopic(topicArn: string, keyArn: string | undefined): sns.ITopic {
    assertSameRegion(topicArn, Stack.of(this));
    return sns.Topic.fromTopicAttributes(this, 'Topic', {
      topicArn,
      ...(keyArn === undefined ? {} : { keyArn }),
    });
  }

  private createKey(alarmNamePrefix: string): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the ecr-pull-canary notification topic; CloudWatch may use it to publish alarms',
      enableKeyRotation: true,
      // Scheduled for deletion with the stack (KMS waits at least 7 days); the default would keep it forever.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // Only for this canary's alarms: another account's alarm (a confused deputy) or another alarm of this
        // account cannot have CloudWatch use the key. The same conditions as the topic policy's.
        conditions: alarmPublisherConditions(Stack.of(this), alarmNamePrefix),
      }),
    );
    return key;
  }

  private createTopic(alarmNamePrefix: string): sns.Topic {
    const stack = Stack.of(this);
    const topic = new sns.Topic(this, 'Topic', {
      ...(this.key ? { masterKey: this.key } : {}),
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, which let the account's alarms publish; without this
    // statement every alarm action fails with "not authorized to perform: SNS:Publish".
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCanaryAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: alarmPublisherConditions(stack, alarmNamePrefix),
      }),
    );
    if (!this.key) {
      Validations.of(topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'Messages carry alarm states and probe diagnoses, no secrets or personal data. Encryption is opt-in (notifications.encryption): the customer-managed key CloudWatch needs costs $1 per region-month, and the AWS-managed aws/sns key would make CloudWatch drop alarm notifications silently.',
      });
    }
    return topic;
  }

  /**
   * E-mail gets everything; pagers get this canary's alarm notifications only ({@link pagerFilterPolicy}). On an
   * existing topic only when `subscribeExistingTopic` says so (the validator refuses subscriptions otherwise).
   */
  private subscribe(props: AlarmTopicProps): void {
    const p = new Problems(Token.isUnresolved);
    checkExistingTopicSubscriptions(p, props, (key) => key);
    if (!p.empty) throw new Error(`Invalid AlarmTopic properties:\n  ${p.lines.join('\n  ')}`);
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const url of props.httpsEndpoints ?? []) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(url, {
          protocol: sns.SubscriptionProtocol.HTTPS,
          filterPolicyWithMessageBody: pagerFilterPolicy(props.alarmNamePrefix),
        }),
      );
    }
  }
}

/** The shared validator's rules (lambda/engine/config/validation.ts): a standard SNS topic, in the alarm's own region and partition. */
function assertSameRegion(topicArn: string, stack: Stack): void {
  const p = new Problems(Token.isUnresolved);
  if (checkTopicArn(p, 'topicArn', topicArn))
    checkTopicPlacement(p, 'topicArn', topicArn, { region: stack.region });
  if (!p.empty) throw new Error(`Invalid AlarmTopic properties:\n  ${p.lines.join('\n  ')}`);
}
