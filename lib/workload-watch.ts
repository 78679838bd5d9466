import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type AlarmKind, alarmName } from '../lambda/engine/config/alarm-naming.ts';
import { Problems } from '../lambda/engine/config/validation.ts';
import { AUTH_CATEGORIES, DIMENSION } from '../lambda/engine/model/contract.ts';
import { ALARM_DEFAULTS, CANARY_DEFAULTS, WORKLOAD_WATCH_DEFAULTS } from '../lambda/engine/model/limits.ts';
import type { Category } from '../lambda/engine/model/types.ts';
import {
  CLOUDTRAIL_MANAGEMENT_RULE_STATE,
  ECR_API_EVENT,
  ECS_EVENT,
  ecrApiPattern,
  ecsTaskPattern,
  WATCH_ENV,
  WATCH_METRIC,
  WATCH_STATE_PREFIX,
  type WatchCodeData,
} from '../lambda/engine/model/watch-contract.ts';
import { alarmDescription, runbooksFor } from './alarm-runbooks.ts';
import { ALARM_SEVERITY } from './canary-alarms.ts';
import { CanaryFunction } from './canary-function.ts';
import { canaryLabel } from './description.ts';
import type { EcrPullCanary } from './ecr-pull-canary.ts';
import { EksWatch, type EksWatchOptions, eksWatchEnabled } from './eks-watch.ts';
import { checkProps, propKeys } from './props.ts';

export interface WorkloadWatchProps {
  /** The region's canary: its topic, state table (dedup and its verdicts), namespace and name are reused. */
  readonly canary: EcrPullCanary;
  /**
   * Watch ECS task state changes for tasks that stopped because they could not pull or get registry auth.
   * @default true
   */
  readonly ecsTasks?: boolean;
  /**
   * Watch ECR API calls that failed (login, pull and push actions), from CloudTrail. Needs a trail that
   * records read management events in the account and region.
   * @default false
   */
  readonly ecrApiCalls?: boolean;
  /**
   * One notification per workload and category within this many hours.
   * @default 6 (the canary's reminder interval)
   */
  readonly dedupHours?: number;
  /**
   * Read the image-pull failures of these EKS clusters (lib/eks-watch.ts): nothing is installed in them.
   * @default - no cluster
   */
  readonly eks?: EksWatchOptions;
  /**
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name of the dashboard, for links in notifications.
   * @default - no dashboard link
   */
  readonly dashboardName?: string;
}

/** Every prop of {@link WorkloadWatchProps}: the compiler holds the list complete; any other prop is refused. */
const WATCH_PROP_KEYS = propKeys<WorkloadWatchProps>()([
  'canary',
  'ecsTasks',
  'ecrApiCalls',
  'dedupHours',
  'eks',
  'logRetention',
  'dashboardName',
]);

/** The watcher's alarm kinds (lambda/engine/config/alarm-naming.ts); the cost model tells its alarms from the canary's by them. */
export const WATCH_ALARM_KINDS = [
  'workload-auth',
  'workload-throttle',
] as const satisfies readonly AlarmKind[];

/** One of the watcher's alarms, with its name, so the dashboard can find it from another region. */
export interface WatchAlarm {
  readonly kind: AlarmKind;
  readonly alarm: cloudwatch.Alarm;
  readonly alarmName: string;
}

/** Time for the three output calls (3 s deadline each, the verdict read after the dedup write) and a cold start. */
const WATCH_TIMEOUT = Duration.seconds(15);
/**
 * A failure event waiting longer than this in Lambda's async queue (only under throttling) is dropped: a
 * failing workload keeps failing and sends the next one, and a late page helps nobody.
 */
const WATCH_MAX_EVENT_AGE = Duration.minutes(5);

/**
 * Watches the pulls of the region's workloads beside the canary: EventBridge rules on the default bus send
 * pull-failure events (ECS tasks that could not pull; failed ECR API calls from CloudTrail) to a small
 * function that classifies them with the same text classifier as `explain`, counts them in sparse metrics,
 * pages through two alarms and sends one notification per workload and category with the canary's verdict.
 * Nothing runs and nothing is billed but the two alarms while nothing fails.
 */
export class WorkloadWatch extends Construct {
  readonly canary: EcrPullCanary;
  readonly function: CanaryFunction;
  readonly ecsRule?: events.Rule;
  readonly ecrApiRule?: events.Rule;
  readonly eks?: EksWatch;
  readonly alarms: WatchAlarm[] = [];

  constructor(scope: Construct, id: string, props: WorkloadWatchProps) {
    super(scope, id);
    const p = new Problems(Token.isUnresolved);
    checkProps(p, props, WATCH_PROP_KEYS);
    if (!p.empty) throw new Error(`Invalid WorkloadWatch properties:\n  ${p.lines.join('\n  ')}`);
    this.canary = props.canary;
    this.function = this.createFunction(props);
    const target = this.createTarget();
    if (props.ecsTasks ?? WORKLOAD_WATCH_DEFAULTS.ecsTasks) this.ecsRule = this.createEcsRule(target);
    if (props.ecrApiCalls ?? WORKLOAD_WATCH_DEFAULTS.ecrApiCalls)
      this.ecrApiRule = this.createEcrApiRule(target);
    if (eksWatchEnabled(props.eks)) {
      this.eks = new EksWatch(this, 'Eks', {
        ...props.eks,
        canary: props.canary,
        dedupHours: props.dedupHours ?? CANARY_DEFAULTS.reminderHours,
        ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
        ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }),
      });
    }
    this.createAlarms();
  }

  private createFunction(props: WorkloadWatchProps): CanaryFunction {
    const { canary } = props;
    const fn = new CanaryFunction(this, 'Function', {
      code: 'watch',
      description: `${canaryLabel(canary.canaryName)}: classifies workload pull failures`,
      timeout: WATCH_TIMEOUT,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      environment: {
        [WATCH_ENV.canaryName]: canary.canaryName,
        [WATCH_ENV.namespace]: canary.namespace,
        [WATCH_ENV.topicArn]: canary.topic.topic.topicArn,
        [WATCH_ENV.stateTable]: canary.stateTable.tableName,
        [WATCH_ENV.dedupHours]: String(props.dedupHours ?? CANARY_DEFAULTS.reminderHours),
        ...(props.dashboardName === undefined ? {} : { [WATCH_ENV.dashboardName]: props.dashboardName }),
      },
      data: { canaryTargets: canary.targetNames } satisfies WatchCodeData,
    });
    // EventBridge invokes asynchronously. The handler never throws, so a retry could only follow a crash or a
    // timeout, after the datapoint and perhaps the message went out: a retry would count it twice.
    fn.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: WATCH_MAX_EVENT_AGE });
    this.grant(fn.role);
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" only for cloudwatch:PutMetricData, which has no resource-level permissions; the cloudwatch:namespace condition limits it to the canary namespace.',
    });
    return fn;
  }

  /** Retries of the delivery to Lambda (not of the function): a few, within the same short age. */
  private createTarget(): events.IRuleTarget {
    return new eventTargets.LambdaFunction(this.function.function, {
      retryAttempts: 2,
      maxEventAge: WATCH_MAX_EVENT_AGE,
    });
  }

  private createEcsRule(target: events.IRuleTarget): events.Rule {
    return rule(this, 'EcsTaskRule', ECS_EVENT.source, ecsTaskPattern(), target, {
      description: `${canaryLabel(this.canary.canaryName)}: ECS tasks stopped by pull or registry-auth failures`,
    });
  }

  private createEcrApiRule(target: events.IRuleTarget): events.Rule {
    return rule(this, 'EcrApiRule', ECR_API_EVENT.source, ecrApiPattern(), target, {
      description: `${canaryLabel(this.canary.canaryName)}: failed ECR API calls from CloudTrail`,
      // Read-only management events (GetAuthorizationToken, BatchGetImage, GetDownloadUrlForLayer) reach
      // only rules in this state; the L2 Rule has no property for it.
      state: CLOUDTRAIL_MANAGEMENT_RULE_STATE,
    });
  }

  private createAlarms(): void {
    this.addAlarm(
      'AuthAlarm',
      'workload-auth',
      this.metricAuthFailures(),
      'Workloads in this region fail to pull on credentials, authentication or permissions (ECS tasks or ECR API callers). The notification names the workload and says whether the canary fails too.',
      AUTH_CATEGORIES,
    );
    this.addAlarm(
      'ThrottleAlarm',
      'workload-throttle',
      this.metricPullFailures('throttle'),
      'ECR throttles workloads in this region (ECS tasks or ECR API callers), typically GetAuthorizationToken in a scale-out.',
      ['throttle'],
    );
  }

  private addAlarm(
    constructId: string,
    kind: AlarmKind,
    metric: cloudwatch.IMetric,
    summary: string,
    categories: readonly Category[],
  ): void {
    const severity = ALARM_SEVERITY[kind];
    const region = Stack.of(this).region;
    const name = alarmName({ canaryName: this.canary.canaryName, region, alarm: kind, severity });
    const tuning = kind === 'workload-auth' ? ALARM_DEFAULTS.auth : ALARM_DEFAULTS.throttle;
    const alarm = new cloudwatch.Alarm(this, constructId, {
      alarmName: name,
      alarmDescription: alarmDescription({ severity, summary, runbooks: runbooksFor(categories) }),
      metric,
      threshold: tuning.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: tuning.evaluationPeriods,
      datapointsToAlarm: tuning.datapointsToAlarm,
      // The metrics exist only while workloads fail: no data is no failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.canary.topic.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push({ kind, alarm, alarmName: name });
  }

  /** Workload pull failures of one category, or of all. Sent only when a workload fails. @default Sum */
  metricPullFailures(category?: Category, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(
      WATCH_METRIC.pullFailures,
      category === undefined ? {} : { [DIMENSION.category]: category },
      props,
    );
  }

  /** Workload pull failures in the credentials, auth and permission categories. @default Sum */
  metricAuthFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(WATCH_METRIC.authFailures, {}, props);
  }

  private metric(
    metricName: string,
    dimensionsMap: Record<string, string>,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.canary.namespace,
      metricName,
      dimensionsMap,
      period: this.canary.schedule,
      statistic: cloudwatch.Stats.SUM,
      ...props,
    });
  }

  /** Its metrics in the canary namespace, the canary's topic, and the state table: its own items only written. */
  private grant(role: iam.IRole): void {
    this.canary.grantPutMetricData(role);
    this.canary.topic.grantPublish(role);
    // Reads its dedup items and the canary's per-target items (the verdict).
    this.canary.stateTable.grant(role, 'dynamodb:GetItem');
    // Writes only items in its own key namespace, never the canary's.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [this.canary.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${WATCH_STATE_PREFIX}*`] } },
      }),
    );
  }
}

/** A rule on the default bus whose pattern is set verbatim (the L2 EventPattern has no `$or`). */
function rule(
  scope: Construct,
  id: string,
  source: string,
  pattern: Record<string, unknown>,
  target: events.IRuleTarget,
  options: { description: string; state?: string },
): events.Rule {
  const created = new events.Rule(scope, id, {
    description: options.description,
    eventPattern: { source: [source] },
    targets: [target],
  });
  const cfn = created.node.defaultChild as events.CfnRule;
  cfn.addPropertyOverride('EventPattern', pattern);
  if (options.state) cfn.state = options.state;
  return created;
}
