import { createHash } from 'node:crypto';
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
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { alarmNamePrefix } from '../lambda/engine/config/alarm-naming.ts';
import {
  checkCanarySettings,
  checkField,
  checkRegionalSettings,
  Problems,
  type SettingPaths,
} from '../lambda/engine/config/validation.ts';
import {
  DIMENSION,
  ENV,
  FIRST_RUN,
  type HandlerTarget,
  METRIC,
  type ProbeCodeData,
  STATE_TABLE,
} from '../lambda/engine/model/contract.ts';
import { CONFIG_FIELDS } from '../lambda/engine/model/fields.ts';
import { parseImageReference } from '../lambda/engine/model/image-ref.ts';
import {
  ALARM_DEFAULTS,
  CANARY_DEFAULTS,
  defaultTimeoutSeconds,
  LIMITS,
  SERVICE_LIMITS,
  TARGET_DEFAULTS,
} from '../lambda/engine/model/limits.ts';
import type { Category, ProbeTarget } from '../lambda/engine/model/types.ts';
import { AlarmTopic, type NotificationOptions } from './alarm-topic.ts';
import {
  type CanaryAlarm,
  type CanaryAlarmOptions,
  CanaryAlarms,
  type CanaryMetricSource,
} from './canary-alarms.ts';
import { CanaryFunction, type VpcPlacement } from './canary-function.ts';
import { canaryLabel } from './description.ts';
import { KnownGoodImage } from './known-good-image.ts';
import { ARN_SIZE_ESTIMATE_CONTEXT, LONGEST_ARN_PREFIX, statementChunks } from './policy-size.ts';
import { checkDuration, checkProps, propKeys } from './props.ts';

export interface EcrPullCanaryProps {
  /**
   * Names the alarms, the seeded repository and the canary in notifications. Unique per account.
   * @default - the stack name and the construct's path in the stack, lower-cased (`monitoring-ecrcanary`), so it is
   * unique in the account and region; with a hash of the path only where that is over 32 characters
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
   * DNS and S3 gateway as the workloads. The deploy-time first run is then answered to CloudFormation by one
   * more function outside the VPC (a CDK Provider relay that invokes the probe), so the subnets need no path to
   * CloudFormation's S3 response bucket.
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
  /**
   * Execution role of the probe function. The construct adds the probe's grants to it: writing to its log
   * group, everything {@link EcrPullCanary.grantPullTargets} and {@link EcrPullCanary.grantPutMetricData}
   * grant, `sns:Publish` on the topic (with `kms:Decrypt` and `kms:GenerateDataKey` on its key, if any),
   * `dynamodb:GetItem` and `dynamodb:PutItem` on the state table and, with `vpcPlacement`, the EC2
   * network-interface actions Lambda needs. An imported immutable role (`Role.fromRoleArn(…, { mutable: false })`)
   * gets none of these: it must already allow all of them, on these resources, and trust `lambda.amazonaws.com`;
   * anything missing shows up as failed probes (`permission`), lost metrics or notifications, and pages.
   * Findings of policy checkers such as cdk-nag on statements added to your role are yours to acknowledge.
   * @default - a new role with exactly these grants
   */
  readonly role?: iam.IRole;
}

/**
 * What a dashboard or another consumer needs of a canary: where it runs, what it probes, its metrics and its
 * alarms. {@link DashboardStack} takes these, not the concrete construct.
 */
export interface IEcrPullCanary extends IConstruct, CanaryMetricSource {
  /** Names the alarms and the canary in notifications. */
  readonly canaryName: string;
  /** Region the canary probes from (its stack's; a token in an environment-agnostic stack). */
  readonly region: string;
  /** Names of the probed targets (the metric dimension), the heartbeat target first. */
  readonly targetNames: string[];
  /** The alarms as built, with their names. */
  readonly alarms: CanaryAlarm[];
  /**
   * Name of the probe's log group (one JSON line per target per run), as a plain string a dashboard in another
   * region can name. @default - no Logs Insights widgets on the dashboard
   */
  readonly probeLogGroupName?: string;
  /** Throttled responses, the ones the SDK retried past included. */
  metricThrottledResponses(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Failed probes, one series per category that happened. */
  metricFailuresByCategory(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression;
  /** Failed probes of one target, sent only when non-zero. */
  metricTargetFailures(target: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Share of healthy probes of one target, metric math over its runs and failures; `region`/`account` place both. */
  metricSuccess(target: string, props?: cloudwatch.MetricOptions): cloudwatch.MathExpression;
}

/**
 * A scheduled Lambda canary for ECR pulls in one region: it fetches a token and each target's manifest the way
 * docker and kubelet do, publishes one steady-state metric per target and sparse failure metrics, notifies
 * once per failure streak, and pages through alarms with an OK action so pagers resolve by themselves.
 */
export class EcrPullCanary extends Construct implements IEcrPullCanary {
  readonly canaryName: string;
  readonly region: string;
  readonly namespace: string;
  readonly schedule: Duration;
  /** Targets as the function receives them; the first is the heartbeat target. */
  readonly targets: HandlerTarget[];
  readonly probe: CanaryFunction;
  readonly topic: AlarmTopic;
  readonly stateTable: dynamodb.Table;
  readonly knownGoodImage?: KnownGoodImage;
  readonly alarms: CanaryAlarm[];
  readonly probeLogGroupName: string;
  /** The EventBridge Scheduler schedule that runs the probe. */
  readonly probeSchedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: EcrPullCanaryProps = {}) {
    super(scope, id);
    this.region = Stack.of(this).region;
    this.namespace = props.namespace ?? CANARY_DEFAULTS.namespace;
    this.canaryName = props.canaryName ?? defaultCanaryName(this);
    this.probeLogGroupName = probeLogGroupName(this.canaryName);
    const { scheduleMinutes, targets: userTargets } = validate(
      props,
      this.canaryName,
      this.namespace,
      Stack.of(this),
    );
    this.schedule = props.schedule ?? Duration.minutes(CANARY_DEFAULTS.scheduleMinutes);

    // CDK spreads a large role policy over overflow managed policies by an estimate of each statement's size,
    // counting an ARN with a deploy-time part (the partition) as 150 characters; a repository ARN may be twice that.
    this.node.setContext(ARN_SIZE_ESTIMATE_CONTEXT, longestRepositoryArn(userTargets));
    const knownGoodImage = this.createKnownGoodImage(props);
    if (knownGoodImage) this.knownGoodImage = knownGoodImage;
    this.targets = this.resolveTargets(userTargets);
    this.topic = this.createTopic(props);
    this.stateTable = this.createStateTable();
    this.probe = this.createProbe(props, scheduleMinutes);
    const probeGrants = this.grantProbe(props);
    this.probeSchedule = this.createSchedule();
    const firstRun = this.createFirstRun(probeGrants, props);
    this.alarms = this.createAlarms(props, firstRun);
    this.node.addValidation({ validate: () => this.probeRoleProblems() });
  }

  /**
   * CDK spreads a large role policy over overflow managed policies (when it synthesizes the role); IAM attaches
   * at most SERVICE_LIMITS.iamManagedPoliciesPerRole to a role, so more would fail the deployment.
   */
  private probeRoleProblems(): string[] {
    const overflow = this.probe.role.node.children.filter(
      (child) => child instanceof iam.ManagedPolicy,
    ).length;
    const limit = SERVICE_LIMITS.iamManagedPoliciesPerRole;
    if (overflow <= limit.value) return [];
    return [
      `targets: ${this.targets.length} targets name so many repositories and roles that the probe role needs ${overflow} managed policies besides its inline policy; IAM allows ${limit.value} ${limit.what} (${limit.source}); probe fewer distinct repositories or roles from this region`,
    ];
  }

  /** Names of the probed targets, the heartbeat target first. */
  get targetNames(): string[] {
    return this.targets.map((target) => target.name);
  }

  /**
   * Probe runs of one target: the SampleCount of its latency, which every run that publishes sends, healthy or
   * failed. What the heartbeat alarm reads. @default statistic SampleCount
   */
  metricRuns(target: string = this.heartbeatTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(
      METRIC.latency,
      { [DIMENSION.target]: target },
      { statistic: 'SampleCount', ...props },
    );
  }

  /**
   * Wall time of every probe of one target, ms, healthy or failed (lambda/engine/model/contract.ts METRIC says what
   * that changes for the latency alarm). @default statistic p90
   */
  metricLatency(target: string = this.heartbeatTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.latency, { [DIMENSION.target]: target }, { statistic: 'p90', ...props });
  }

  /** Failed probes of one target. Sent only when non-zero. @default statistic Sum */
  metricTargetFailures(
    target: string = this.heartbeatTarget,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric {
    return this.metric(METRIC.failures, { [DIMENSION.target]: target }, { statistic: 'Sum', ...props });
  }

  /**
   * Share of healthy probes of one target per period, 1 to 0: `1 - failures / runs`, metric math over the runs
   * ({@link metricRuns}) and the failures sent only when non-zero ({@link metricTargetFailures}, filled with 0).
   * No datapoint where the canary did not run. `region` and `account` place both metrics (a dashboard in
   * another region or a monitoring account); `label`, `color` and `period` apply to the expression.
   * @default label the target's name, period the schedule's
   */
  metricSuccess(
    target: string = this.heartbeatTarget,
    props: cloudwatch.MetricOptions = {},
  ): cloudwatch.MathExpression {
    const period = props.period ?? this.schedule;
    const where = {
      ...(props.region === undefined ? {} : { region: props.region }),
      ...(props.account === undefined ? {} : { account: props.account }),
    };
    // Metric ids are per graph: one per target, so several targets' rates share a widget.
    const id = createHash('sha256').update(target).digest('hex').slice(0, 10);
    return new cloudwatch.MathExpression({
      expression: `1 - FILL(failed_${id}, 0) / runs_${id}`,
      usingMetrics: {
        [`runs_${id}`]: this.metricRuns(target, { period, ...where }),
        [`failed_${id}`]: this.metricTargetFailures(target, { period, ...where }),
      },
      period,
      label: props.label ?? target,
      ...(props.color === undefined ? {} : { color: props.color }),
      ...(props.region === undefined ? {} : { searchRegion: props.region }),
      ...(props.account === undefined ? {} : { searchAccount: props.account }),
    });
  }

  /** Failed probes of one category, or of all. Sent only when non-zero. @default statistic Sum */
  metricFailures(category?: Category, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.failures, category === undefined ? {} : { [DIMENSION.category]: category }, {
      statistic: 'Sum',
      ...props,
    });
  }

  /**
   * Failed probes, one series per category that happened: failure metrics are sent only when non-zero, so a
   * SEARCH finds whichever categories exist. Sum per period; the empty label lets each series show its own.
   * @default period the schedule's, label ''
   */
  metricFailuresByCategory(props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    const period = props.period ?? this.schedule;
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${this.namespace},${DIMENSION.category}} MetricName="${METRIC.failures}"', 'Sum', ${period.toSeconds()})`,
      label: '',
      ...props,
      period,
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

  /**
   * Lets `grantee` pull this canary's targets as the probe does: an ECR token, the manifests of the targets
   * it pulls with its own credentials and their blobs (`ecr:GetDownloadUrlForLayer`, for the layer phase, or a
   * platform check that needs the config blob; none for a target with `layerCheck: false` and no platforms),
   * and AssumeRole on the roles of targets pulled as another role. For a target with `pullThroughCache`, also
   * `ecr:BatchImportUpstreamImage` (a pull of an image not cached yet imports it from the upstream registry) and
   * `ecr:CreateRepository` (the first pull creates the cached repository) on its repository: "the following
   * additional permissions are needed to use pull through cache rules"
   * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html). Nothing when every
   * target is pulled as another role.
   */
  grantPullTargets(grantee: iam.IGrantable): iam.Grant {
    let grant = iam.Grant.drop(grantee, 'pull the canary targets');
    const own = this.targets.filter((target) => target.assumeRoleArn === undefined);
    if (own.length > 0) {
      // No resource-level permissions exist for the token call.
      grant = grant.combine(
        iam.Grant.addToPrincipal({ grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] }),
      );
    }
    // One statement per set of actions, each repository in exactly one of them, so a repository's ARN is written
    // once however many actions it needs.
    const byActions = new Map<
      string,
      { actions: string[]; arns: Set<string>; longest: Map<string, number> }
    >();
    for (const target of own) {
      const actions = [
        'ecr:BatchGetImage',
        // Blobs: the layer phase reads one layer of every target that keeps it on (the default, the seeded image
        // included), and a single-arch image with `platforms` names its platform only in the config blob.
        ...((target.layerCheck ?? TARGET_DEFAULTS.layerCheck) || (target.platforms?.length ?? 0) > 0
          ? ['ecr:GetDownloadUrlForLayer']
          : []),
        ...((target.pullThroughCache ?? TARGET_DEFAULTS.pullThroughCache)
          ? ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository']
          : []),
      ];
      const key = actions.join(',');
      const group = byActions.get(key) ?? { actions, arns: new Set<string>(), longest: new Map() };
      byActions.set(key, group);
      const arn = this.repositoryArn(target);
      group.arns.add(arn);
      group.longest.set(
        arn,
        LONGEST_ARN_PREFIX.ecrRepository + parseImageReference(target.image).repository.length,
      );
    }
    // The strictest action set first, as before: manifests only, then with blobs, then pull-through cache.
    for (const { actions, arns, longest } of [...byActions.values()].sort(
      (x, y) => x.actions.length - y.actions.length,
    )) {
      for (const resourceArns of statementChunks([...arns], (arn) => longest.get(arn) ?? LONGEST_ARN_CHARS)) {
        grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions, resourceArns }));
      }
    }
    const roles = unique(
      this.targets.flatMap((target) => (target.assumeRoleArn ? [target.assumeRoleArn] : [])),
    );
    for (const resourceArns of statementChunks(roles, (arn) =>
      Token.isUnresolved(arn) ? LONGEST_ARN_CHARS : arn.length + LONGEST_ARN_PREFIX.partitionGrowth,
    )) {
      grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['sts:AssumeRole'], resourceArns }));
    }
    return grant;
  }

  /** Lets `grantee` publish metrics in this canary's namespace, and in no other. */
  grantPutMetricData(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      // PutMetricData has no resource-level permissions; the namespace condition key is how it is scoped.
      actions: ['cloudwatch:PutMetricData'],
      resourceArns: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': this.namespace } },
    });
  }

  private createKnownGoodImage(props: EcrPullCanaryProps): KnownGoodImage | undefined {
    if (!(props.knownGoodImage ?? CANARY_DEFAULTS.knownGoodImage)) return undefined;
    return new KnownGoodImage(this, 'KnownGoodImage', {
      repositoryName: `${this.canaryName}/known-good`,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
    });
  }

  /** The seeded image first (the heartbeat target), then the user's targets, named by the validator. */
  private resolveTargets(userTargets: HandlerTarget[]): HandlerTarget[] {
    return [...(this.knownGoodImage ? [this.knownGoodImage.target] : []), ...userTargets];
  }

  private createTopic(props: EcrPullCanaryProps): AlarmTopic {
    return new AlarmTopic(this, 'Notifications', {
      ...props.notifications,
      alarmNamePrefix: alarmNamePrefix(this.canaryName, this.region),
    });
  }

  private createStateTable(): dynamodb.Table {
    const table = new dynamodb.Table(this, 'State', {
      partitionKey: { name: STATE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: STATE_TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(table).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'The table holds only notification dedup state that expires by TTL; losing it repeats at most one notification per failing target, so point-in-time backups would protect nothing of value.',
    });
    return table;
  }

  private createProbe(props: EcrPullCanaryProps, scheduleMinutes: number): CanaryFunction {
    const probe = new CanaryFunction(this, 'Probe', {
      code: 'probe',
      description: `${canaryLabel(this.canaryName)}: probes ECR pulls and reports`,
      logGroupName: this.probeLogGroupName,
      timeout: props.timeout ?? Duration.seconds(defaultTimeoutSeconds(scheduleMinutes)),
      ...(props.memorySize === undefined ? {} : { memorySize: props.memorySize }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.vpcPlacement === undefined ? {} : { vpcPlacement: props.vpcPlacement }),
      ...(props.role === undefined ? {} : { role: props.role }),
      environment: this.probeEnvironment(props),
      data: { targets: this.targets } satisfies ProbeCodeData,
    });
    probe.function.configureAsyncInvoke({
      // A missed run is reported by the next one; a retried or queued one would report stale results late.
      retryAttempts: 0,
      maxEventAge: Duration.seconds(CANARY_DEFAULTS.maxEventAgeSeconds),
    });
    return probe;
  }

  /**
   * The construct ↔ function contract (lambda/engine/model/contract.ts): what the handler reads per run. Only
   * settings of a fixed size: the targets are in the function's code (`data`), whatever their number.
   */
  private probeEnvironment(props: EcrPullCanaryProps): Record<string, string> {
    const clockSkewThreshold =
      props.alarms?.clockSkew?.thresholdSeconds ?? ALARM_DEFAULTS.clockSkew.thresholdSeconds;
    return {
      [ENV.canaryName]: this.canaryName,
      [ENV.namespace]: this.namespace,
      [ENV.topicArn]: this.topic.topic.topicArn,
      [ENV.stateTable]: this.stateTable.tableName,
      [ENV.reminderHours]: String(props.reminderHours ?? CANARY_DEFAULTS.reminderHours),
      [ENV.clockSkewThresholdSeconds]: String(clockSkewThreshold),
      ...(props.dashboardName === undefined ? {} : { [ENV.dashboardName]: props.dashboardName }),
    };
  }

  /**
   * Exactly what the probe calls: its targets, its metrics in its namespace, its topic, and its dedup table —
   * read, and written with a conditional PutItem (lambda/engine/outputs/state-store.ts); nothing else.
   */
  private grantProbe(props: EcrPullCanaryProps): iam.Grant {
    const role = this.probe.role;
    const grant = this.grantPullTargets(role)
      .combine(this.grantPutMetricData(role))
      .combine(this.topic.grantPublish(role))
      .combine(this.stateTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem'));
    // A role the user gives is theirs, and so are the findings on it (see EcrPullCanaryProps.role).
    if (props.role === undefined) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Resource "*" only where IAM has nothing narrower: ecr:GetAuthorizationToken (no resource-level permissions), cloudwatch:PutMetricData (limited to the canary namespace by the cloudwatch:namespace condition) and, with VPC placement, the network-interface actions Lambda needs (EC2 Describe* has no resource-level permissions).',
      });
    }
    return grant;
  }

  private createSchedule(): scheduler.Schedule {
    const stack = Stack.of(this);
    // Its own role rather than the stack-wide one LambdaInvoke would share across every schedule in the stack.
    const schedulerRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Lets EventBridge Scheduler start ${canaryLabel(this.canaryName)}`,
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
      description: canaryLabel(this.canaryName),
    });
    // The first run must find the seeded image, or a fresh deployment starts with a failure.
    if (this.knownGoodImage) schedule.node.addDependency(this.knownGoodImage.seed);
    return schedule;
  }

  /**
   * One run during the deployment, before the heartbeat alarm exists: the alarm's first evaluation then finds
   * a datapoint, and with 3 of 3 (missing data breaching) one datapoint keeps it OK until the schedule's runs
   * take over, so a fresh deployment does not page. Outside a VPC the probe function serves it and answers
   * CloudFormation itself: no other function. In a VPC the answer, a PUT to CloudFormation's presigned S3 URL,
   * would go through the subnets' S3 gateway endpoint, whose policy as ECR's guide recommends it admits only the
   * layer bucket: the stack would wait out the resource's timeout and fail (its rollback too). There a relay
   * outside the VPC ({@link createFirstRunRelay}) is the service token and answers; the probe returns its verdict
   * to it ({@link FIRST_RUN}).
   */
  private createFirstRun(probeGrants: iam.Grant, props: EcrPullCanaryProps): CustomResource {
    const relay = props.vpcPlacement === undefined ? undefined : this.createFirstRunRelay(props);
    // One construct ID per service token: CloudFormation refuses to change a custom resource's ServiceToken
    // ("Modifying service token is not allowed", aws-cloudformation/cloudformation-coverage-roadmap#802), so a
    // region that gains or loses its vpc gets a new first run under the other ID, and the old one leaves the
    // template. Retained, so leaving sends it no Delete: its token may be the probe function that the same update
    // puts into the VPC, whose answer could not reach CloudFormation; a first run has nothing to delete.
    const firstRun = new CustomResource(
      this,
      relay ? FIRST_RUN.constructIds.relayed : FIRST_RUN.constructIds.direct,
      {
        serviceToken: relay?.serviceToken ?? this.probe.function.functionArn,
        resourceType: FIRST_RUN.resourceType,
        serviceTimeout: Duration.minutes(CANARY_DEFAULTS.firstRunServiceTimeoutMinutes),
        removalPolicy: RemovalPolicy.RETAIN,
        properties: {
          // The digest of the targets the function's code carries: a change of targets runs it again.
          [FIRST_RUN.properties.targets]: this.probe.dataDigest ?? '',
          ...(relay ? { [FIRST_RUN.properties.answer]: FIRST_RUN.answerByReturn } : {}),
        },
      },
    );
    // The first run must find the seeded image, like the schedule's.
    if (this.knownGoodImage) firstRun.node.addDependency(this.knownGoodImage.seed);
    // Everything of the function in place first: the role's policy (PutMetricData, Publish), the log group,
    // and the async settings (no retries) that also apply to CloudFormation's asynchronous invocation; the
    // grants also when they went to a role of the user's outside this construct.
    firstRun.node.addDependency(this.probe);
    probeGrants.applyBefore(firstRun);
    return firstRun;
  }

  /**
   * The CDK Provider framework's onEvent function, not in any VPC, with the probe function as its handler: it
   * invokes the probe synchronously (`lambda:InvokeFunction` and `lambda:GetFunction` on it, granted by the
   * Provider to this role) and PUTs the answer through the public S3 endpoint. Only with VPC placement: one more
   * function invoked once per deployment, with its own role that may write to its own log group.
   */
  private createFirstRunRelay(props: EcrPullCanaryProps): cr.Provider {
    const logGroup = new logs.LogGroup(this, 'FirstRunRelayLogs', {
      retention: props.logRetention ?? CANARY_DEFAULTS.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'FirstRunRelayRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Relays the deploy-time first run of ${canaryLabel(this.canaryName)} to CloudFormation`,
    });
    logGroup.grantWrite(role);
    const provider = new cr.Provider(this, 'FirstRunRelay', {
      onEventHandler: this.probe.function,
      frameworkOnEventRole: role,
      logGroup,
    });
    const stack = Stack.of(this);
    const relayFunction = provider.node.findChild('framework-onEvent') as IConstruct;
    Validations.of(relayFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "The CDK Provider framework's own function, on the Node.js runtime that CDK version chooses for it; it runs once per deployment and only relays the probe's answer.",
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.probe.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "Added by the CDK Provider framework's grantInvoke: the probe function's versions and aliases; the role can invoke this one function only.",
    });
    return provider;
  }

  private createAlarms(props: EcrPullCanaryProps, firstRun: CustomResource): CanaryAlarm[] {
    const { alarms } = new CanaryAlarms(this, 'Alarms', {
      metrics: this,
      canaryName: this.canaryName,
      region: this.region,
      period: this.schedule,
      targets: this.targetNames,
      topic: this.topic.topic,
      ...(props.alarms === undefined ? {} : { options: props.alarms }),
    });
    for (const { kind, alarm } of alarms) if (kind === 'heartbeat') alarm.node.addDependency(firstRun);
    return alarms;
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

/** The longest repository ARN the targets make, resolved, and never less than CDK's own default estimate. */
function longestRepositoryArn(targets: readonly HandlerTarget[]): number {
  return Math.max(
    150,
    ...targets.map(
      (target) => LONGEST_ARN_PREFIX.ecrRepository + parseImageReference(target.image).repository.length,
    ),
  );
}

/** An ARN of unknown length (a deploy-time value): IAM's own limit on an ARN in a policy. */
const LONGEST_ARN_CHARS = 2048;
/** Stack names are unique per account and region, and the construct path is unique in its stack. */
/**
 * The probe's log group is named, not generated, so the dashboard (one stack, in the first region) can query it
 * in every region with Logs Insights: a cross-region reference to a generated name is not possible.
 */
export function probeLogGroupName(canaryName: string): string {
  return `/ecr-pull-canary/${canaryName}/probe`;
}

/**
 * The default canary name: the stack's name and the construct's path in the stack, lower-cased, as a person
 * would write it (`Monitoring` / `EcrCanary` → `monitoring-ecrcanary`), so alarm names read as
 * `monitoring-ecrcanary-eu-west-1-auth-critical`. A stack name is unique in its account and region, and so is
 * this name. Only when that does not fit the name rules (over 32 characters, or a stack name not known at
 * synth) does it fall back to the CDK's unique name with a hash of the path.
 */
function defaultCanaryName(scope: Construct): string {
  const stack = Stack.of(scope);
  const inStack = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
  const readable = canaryNameSlug([stack.stackName, ...inStack].join('-'));
  if (
    !Token.isUnresolved(stack.stackName) &&
    readable.length >= 2 &&
    readable.length <= LIMITS.nameMaxLength &&
    claimDefaultName(stack, readable)
  )
    return readable;
  return canaryNameSlug(Names.uniqueResourceName(scope, { maxLength: LIMITS.nameMaxLength, separator: '-' }));
}

function canaryNameSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
}

/** The readable names already given in each stack: a second canary whose path slugs the same gets the hash. */
const DEFAULT_NAMES = new WeakMap<Stack, Set<string>>();

function claimDefaultName(stack: Stack, name: string): boolean {
  const taken = DEFAULT_NAMES.get(stack) ?? new Set<string>();
  DEFAULT_NAMES.set(stack, taken);
  if (taken.has(name)) return false;
  taken.add(name);
  return true;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Every prop of {@link EcrPullCanaryProps}: the compiler holds the list complete; any other prop is refused. */
const PROP_KEYS = propKeys<EcrPullCanaryProps>()([
  'canaryName',
  'targets',
  'knownGoodImage',
  'schedule',
  'namespace',
  'memorySize',
  'timeout',
  'logRetention',
  'vpcPlacement',
  'notifications',
  'alarms',
  'reminderHours',
  'dashboardName',
  'role',
]);

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
  canaryName: string,
  namespace: string,
  stack: Stack,
): { scheduleMinutes: number; targets: HandlerTarget[] } {
  const p = new Problems(Token.isUnresolved);
  checkProps(p, props, PROP_KEYS);
  // A Duration prop that is not one is reported, and the rest is checked as if it were left out.
  const schedule = checkDuration(p, 'schedule', props.schedule) ? props.schedule : undefined;
  const timeout = checkDuration(p, 'timeout', props.timeout) ? props.timeout : undefined;
  const scheduleMinutes = (schedule ?? Duration.minutes(CANARY_DEFAULTS.scheduleMinutes)).toSeconds() / 60;
  const knownGoodImage = props.knownGoodImage ?? CANARY_DEFAULTS.knownGoodImage;
  checkCanarySettings(
    p,
    {
      canaryName,
      namespace,
      scheduleMinutes,
      memoryMiB: props.memorySize,
      reminderHours: props.reminderHours,
      timeoutSeconds: timeout?.toSeconds(),
      knownGoodImage,
      alarms: props.alarms,
    },
    PROP_PATHS,
  );
  // The subscriptions and switches as declared for the file's `notifications`; the topic and its key below.
  if (props.notifications !== undefined) {
    checkField(p, 'notifications', props.notifications, CONFIG_FIELDS.notifications);
  }
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
