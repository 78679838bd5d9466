import {
  type CfnElement,
  CustomResource,
  Duration,
  Names,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import {
  DIMENSION,
  ENV,
  FIRST_RUN,
  type HandlerTarget,
  METRIC,
  STATE_TABLE,
} from '../lambda/model/contract.ts';
import { parseImageReference } from '../lambda/model/image-ref.ts';
import { ALARM_DEFAULTS, CANARY_DEFAULTS, defaultTimeoutSeconds, LIMITS } from '../lambda/model/limits.ts';
import type { Category, ProbeTarget } from '../lambda/model/types.ts';
import { alarmNamePrefix } from './alarm-naming.ts';
import { AlarmTopic, type NotificationOptions } from './alarm-topic.ts';
import {
  type CanaryAlarm,
  type CanaryAlarmOptions,
  CanaryAlarms,
  type CanaryMetricSource,
} from './canary-alarms.ts';
import { CanaryFunction, type VpcPlacement } from './canary-function.ts';
import { HANDLER_ENTRY } from './handler-bundling.ts';
import { KnownGoodImage } from './known-good-image.ts';
import { checkCanarySettings, checkRegionalSettings, Problems, type SettingPaths } from './validation.ts';

export interface EcrPullCanaryProps {
  /**
   * Names the alarms, the seeded repository and the canary in notifications. Unique per account.
   * @default - derived from the stack name and the construct path, so it is unique in the account and region
   */
  readonly canaryName?: string;
  /**
   * Images to probe, each with a stable `name` (the metric dimension) or one derived from the reference.
   * @default - none: only the known-good image (see `knownGoodImage`)
   */
  readonly targets?: ProbeTarget[];
  /**
   * Create a canary-owned repository, seed it with a tiny multi-arch image at deploy time and probe it first,
   * so the canary watches the region's ECR auth path with no targets of its own.
   * @default true
   */
  readonly knownGoodImage?: boolean;
  /**
   * How often the canary runs: whole minutes from 1 to 60.
   * @default Duration.minutes(5)
   */
  readonly schedule?: Duration;
  /**
   * CloudWatch namespace of the canary's metrics.
   * @default 'EcrPullCanary'
   */
  readonly namespace?: string;
  /**
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Must end before the next run starts.
   * @default - the smaller of 60 seconds and the schedule period minus 10 seconds
   */
  readonly timeout?: Duration;
  /**
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Run the probe in these subnets with these security groups, so it uses the same ECR interface endpoints,
   * DNS and S3 gateway as the workloads.
   * @default - not in a VPC
   */
  readonly vpcPlacement?: VpcPlacement;
  /**
   * Where alarms and the canary's diagnoses go.
   * @default - a new unencrypted topic without subscriptions
   */
  readonly notifications?: NotificationOptions;
  /**
   * Thresholds and M of N per alarm.
   * @default - the documented defaults of each alarm
   */
  readonly alarms?: CanaryAlarmOptions;
  /**
   * While a target keeps failing, the canary reminds at most this often.
   * @default 6
   */
  readonly reminderHours?: number;
  /**
   * Name of the dashboard that shows this canary, for links in notifications.
   * @default - notifications carry no dashboard link
   */
  readonly dashboardName?: string;
}

/**
 * A scheduled Lambda canary for ECR pulls in one region: it fetches a token and each target's manifest the way
 * docker and kubelet do, publishes two steady-state metrics per target and sparse failure metrics, notifies
 * once per failure streak, and pages through alarms with an OK action so pagers resolve by themselves.
 */
export class EcrPullCanary extends Construct implements CanaryMetricSource {
  readonly canaryName: string;
  readonly namespace: string;
  readonly schedule: Duration;
  /** Targets as the function receives them; the first is the heartbeat target. */
  readonly targets: HandlerTarget[];
  readonly probe: CanaryFunction;
  readonly topic: AlarmTopic;
  readonly stateTable: dynamodb.Table;
  readonly knownGoodImage?: KnownGoodImage;
  readonly alarms: CanaryAlarm[];

  constructor(scope: Construct, id: string, props: EcrPullCanaryProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const region = stack.region;

    this.schedule = props.schedule ?? Duration.minutes(CANARY_DEFAULTS.scheduleMinutes);
    this.namespace = props.namespace ?? CANARY_DEFAULTS.namespace;
    this.canaryName = props.canaryName ?? defaultCanaryName(this);
    const { scheduleMinutes, targets: userTargets } = validate(
      props,
      this.schedule,
      this.canaryName,
      this.namespace,
      stack,
    );

    const timeout = props.timeout ?? Duration.seconds(defaultTimeoutSeconds(scheduleMinutes));

    const seeded = props.knownGoodImage ?? CANARY_DEFAULTS.knownGoodImage;
    if (seeded) {
      this.knownGoodImage = new KnownGoodImage(this, 'KnownGoodImage', {
        repositoryName: `${this.canaryName}/known-good`,
        ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      });
    }
    this.targets = [...(this.knownGoodImage ? [this.knownGoodImage.target] : []), ...userTargets];

    this.topic = new AlarmTopic(this, 'Notifications', {
      ...props.notifications,
      alarmNamePrefix: alarmNamePrefix(this.canaryName, region),
    });

    this.stateTable = new dynamodb.Table(this, 'State', {
      partitionKey: { name: STATE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: STATE_TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.stateTable).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'The table holds only notification dedup state that expires by TTL; losing it repeats at most one notification per failing target, so point-in-time backups would protect nothing of value.',
    });

    const clockSkewThreshold =
      props.alarms?.clockSkew?.thresholdSeconds ?? ALARM_DEFAULTS.clockSkew.thresholdSeconds;
    this.probe = new CanaryFunction(this, 'Probe', {
      entry: HANDLER_ENTRY,
      description: `ecr-pull-canary ${this.canaryName}: probes ECR pulls and reports`,
      timeout,
      ...(props.memorySize === undefined ? {} : { memorySize: props.memorySize }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.vpcPlacement === undefined ? {} : { vpcPlacement: props.vpcPlacement }),
      environment: {
        [ENV.targets]: JSON.stringify(this.targets),
        [ENV.canaryName]: this.canaryName,
        [ENV.namespace]: this.namespace,
        [ENV.topicArn]: this.topic.topic.topicArn,
        [ENV.stateTable]: this.stateTable.tableName,
        [ENV.reminderHours]: String(props.reminderHours ?? CANARY_DEFAULTS.reminderHours),
        [ENV.clockSkewThresholdSeconds]: String(clockSkewThreshold),
        ...(props.dashboardName === undefined ? {} : { [ENV.dashboardName]: props.dashboardName }),
      },
    });
    this.probe.function.configureAsyncInvoke({
      // A missed run is reported by the next one; a retried or queued one would report stale results late.
      retryAttempts: 0,
      maxEventAge: Duration.seconds(CANARY_DEFAULTS.maxEventAgeSeconds),
    });
    this.grantProbe(this.probe.role, this.targets);
    Validations.of(this.probe.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" only where IAM has nothing narrower: ecr:GetAuthorizationToken (no resource-level permissions), cloudwatch:PutMetricData (limited to the canary namespace by the cloudwatch:namespace condition) and, with VPC placement, the network-interface actions Lambda needs (EC2 Describe* has no resource-level permissions).',
    });

    // Its own role rather than the stack-wide one LambdaInvoke would share across every schedule in the stack.
    const schedulerRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Lets EventBridge Scheduler start ecr-pull-canary ${this.canaryName}`,
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.probe.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "Added by aws-scheduler-targets' LambdaInvoke: the function's versions and aliases; the role can invoke this one function only.",
    });
    const schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.rate(this.schedule),
      target: new schedulerTargets.LambdaInvoke(this.probe.function, {
        role: schedulerRole,
        retryAttempts: 0,
        maxEventAge: Duration.seconds(CANARY_DEFAULTS.maxEventAgeSeconds),
      }),
      // A canary runs on the minute it is due; a flexible window would blur the heartbeat.
      timeWindow: scheduler.TimeWindow.off(),
      description: `ecr-pull-canary ${this.canaryName}`,
    });
    // The first run must find the seeded image, or a fresh deployment starts with a failure.
    if (this.knownGoodImage) schedule.node.addDependency(this.knownGoodImage.seed);

    // One run during the deployment, before the heartbeat alarm exists: the alarm's first evaluation then finds
    // a datapoint, and with 3 of 3 (missing data breaching) one datapoint keeps it OK until the schedule's runs
    // take over, so a fresh deployment does not page. Served by the probe function itself: no other function.
    const firstRun = new CustomResource(this, 'FirstRun', {
      serviceToken: this.probe.function.functionArn,
      resourceType: FIRST_RUN.resourceType,
      serviceTimeout: Duration.minutes(CANARY_DEFAULTS.firstRunServiceTimeoutMinutes),
      properties: { [FIRST_RUN.properties.targets]: JSON.stringify(this.targets) },
    });
    // The first run must find the seeded image, like the schedule's.
    if (this.knownGoodImage) firstRun.node.addDependency(this.knownGoodImage.seed);
    // Everything of the function in place first: the role's policy (PutMetricData, Publish), the log group,
    // and the async settings (no retries) that also apply to CloudFormation's asynchronous invocation.
    firstRun.node.addDependency(this.probe);

    const alarms = new CanaryAlarms(this, 'Alarms', {
      metrics: this,
      canaryName: this.canaryName,
      region,
      period: this.schedule,
      targets: this.targets.map((target) => target.name),
      topic: this.topic.topic,
      ...(props.alarms === undefined ? {} : { options: props.alarms }),
    });
    this.alarms = alarms.alarms;
    for (const { kind, alarm } of this.alarms) if (kind === 'heartbeat') alarm.node.addDependency(firstRun);
  }

  /** 1 for a healthy probe, 0 for a failed one; its SampleCount counts runs. @default statistic Average */
  metricSuccess(target: string = this.heartbeatTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.success, { [DIMENSION.target]: target }, { statistic: 'Average', ...props });
  }

  /** Wall time of healthy probes, ms. @default statistic p90 */
  metricLatency(target: string = this.heartbeatTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.latency, { [DIMENSION.target]: target }, { statistic: 'p90', ...props });
  }

  /** Failed probes of one category, or of all. Sent only when non-zero. @default statistic Sum */
  metricFailures(category?: Category, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.failures, category === undefined ? {} : { [DIMENSION.category]: category }, {
      statistic: 'Sum',
      ...props,
    });
  }

  /** Failed probes in the credentials, auth and permission categories. @default statistic Sum */
  metricAuthFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.authFailures, {}, { statistic: 'Sum', ...props });
  }

  /** Throttled responses, the ones the SDK retried past included. @default statistic Sum */
  metricThrottledResponses(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.throttled, {}, { statistic: 'Sum', ...props });
  }

  /** Host minus AWS clock, seconds (signed), when measurable. @default statistic Maximum */
  metricClockSkew(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.clockSkew, {}, { statistic: 'Maximum', ...props });
  }

  private get heartbeatTarget(): string {
    const first = this.targets[0];
    if (!first) throw new Error('the canary has no targets');
    return first.name;
  }

  private metric(
    metricName: string,
    dimensionsMap: Record<string, string>,
    props: cloudwatch.MetricOptions,
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap,
      period: this.schedule,
      ...props,
    });
  }

  /**
   * Exactly what the probe calls: a token, the manifests of its own targets (and their blobs only where a
   * platform check may need the config blob), AssumeRole for targets pulled as another role, its metrics in
   * its namespace, its topic and its dedup table.
   */
  private grantProbe(role: iam.Role, targets: HandlerTarget[]): void {
    const own = targets.filter((target) => target.assumeRoleArn === undefined);
    if (own.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          // No resource-level permissions exist for the token call.
          actions: ['ecr:GetAuthorizationToken'],
          resources: ['*'],
        }),
      );
      const manifestArns = unique(own.map((target) => this.repositoryArn(target)));
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ecr:BatchGetImage'], resources: manifestArns }),
      );
      // A single-arch image names its platform only in the config blob, which the probe then fetches; the
      // seeded image is an index, so it never does.
      const blobArns = unique(
        own
          .filter((target) => (target.platforms?.length ?? 0) > 0 && target !== this.knownGoodImage?.target)
          .map((target) => this.repositoryArn(target)),
      );
      if (blobArns.length > 0) {
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['ecr:GetDownloadUrlForLayer'], resources: blobArns }),
        );
      }
    }
    const roles = unique(targets.flatMap((target) => (target.assumeRoleArn ? [target.assumeRoleArn] : [])));
    if (roles.length > 0) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: roles }));
    }
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // PutMetricData has no resource-level permissions; the namespace condition key is how it is scoped.
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': this.namespace } },
      }),
    );
    this.topic.grantPublish(role);
    // Read the state, and write it with a conditional PutItem (lambda/outputs/state-store.ts); nothing else.
    this.stateTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem');
  }

  /** ARN of the repository a target reads: account and region from the URI, else this stack's. */
  private repositoryArn(target: HandlerTarget): string {
    const stack = Stack.of(this);
    const ref = parseImageReference(target.image);
    const region = target.region ?? ref.region ?? stack.region;
    return stack.formatArn({
      service: 'ecr',
      region,
      account: ref.registryId ?? stack.account,
      resource: 'repository',
      resourceName: ref.repository,
    });
  }
}

/** Stack names are unique per account and region, and the construct path is unique in its stack. */
function defaultCanaryName(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: LIMITS.nameMaxLength, separator: '-' })
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** The construct's prop names, for the shared validator's messages. */
const PROP_PATHS: SettingPaths = {
  canaryName: 'canaryName',
  namespace: 'namespace',
  scheduleMinutes: 'schedule (minutes)',
  memoryMiB: 'memorySize',
  reminderHours: 'reminderHours',
  timeoutSeconds: 'timeout (seconds)',
  knownGoodImage: 'knownGoodImage',
  alarms: 'alarms',
};

/**
 * Validates everything before a resource is created, with the same checks as the configuration file; all
 * problems in one error. Returns the schedule in minutes and the user's targets, each named.
 */
function validate(
  props: EcrPullCanaryProps,
  schedule: Duration,
  canaryName: string,
  namespace: string,
  stack: Stack,
): { scheduleMinutes: number; targets: HandlerTarget[] } {
  const p = new Problems();
  const scheduleMinutes = schedule.toSeconds() / 60;
  const knownGoodImage = props.knownGoodImage ?? CANARY_DEFAULTS.knownGoodImage;
  checkCanarySettings(
    p,
    {
      canaryName,
      namespace,
      scheduleMinutes,
      memoryMiB: props.memorySize,
      reminderHours: props.reminderHours,
      timeoutSeconds: props.timeout?.toSeconds(),
      knownGoodImage,
      alarms: props.alarms,
    },
    PROP_PATHS,
  );
  const targets = checkRegionalSettings(
    p,
    {
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      // No account: the construct has no account prop, and a stack's account may be the CLI's default
      // (CDK_DEFAULT_ACCOUNT) rather than one the user named; only a configured `account` is held to its topic.
      targets: props.targets ?? [],
      knownGoodImage,
      vpc: props.vpcPlacement,
      notifications: props.notifications,
    },
    { targets: 'targets', vpc: 'vpcPlacement', notification: (key) => `notifications.${key}` },
  );
  if (!p.empty || targets === null) {
    throw new Error(`Invalid EcrPullCanary properties:\n  ${p.lines.join('\n  ')}`);
  }
  return { scheduleMinutes, targets };
}
