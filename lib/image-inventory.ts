import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { alarmName } from '../lambda/engine/config/alarm-naming.ts';
import { Problems } from '../lambda/engine/config/validation.ts';
import {
  type AtRiskReason,
  INVENTORY_DIMENSION,
  INVENTORY_ENV,
  INVENTORY_METRIC,
  INVENTORY_STATE_PREFIX,
} from '../lambda/engine/model/inventory-contract.ts';
import { CANARY_DEFAULTS, INVENTORY_DEFAULTS, INVENTORY_LIMITS } from '../lambda/engine/model/limits.ts';
import type { Runbook } from '../lambda/engine/model/runbooks.ts';
import { alarmDescription } from './alarm-runbooks.ts';
import { ALARM_SEVERITY } from './canary-alarms.ts';
import { CanaryFunction } from './canary-function.ts';
import type { EcrPullCanary } from './ecr-pull-canary.ts';
import { checkDuration, checkProps, propKeys } from './props.ts';

export interface ImageInventoryProps {
  /** The region's canary: its topic, state table (the dedup item), namespace and name are reused. */
  readonly canary: EcrPullCanary;
  /**
   * How often the inventory runs; also the alarm's period.
   * @default Duration.minutes(30)
   */
  readonly schedule?: Duration;
  /**
   * A lifecycle action due within this many days is a risk (paged); later ones are listed by the command.
   * @default 7
   */
  readonly horizonDays?: number;
  /**
   * Remind of a risk that persists at most this often, in hours.
   * @default 6 (the canary's reminder interval)
   */
  readonly reminderHours?: number;
  /**
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Every prop of {@link ImageInventoryProps}: the compiler holds the list complete; any other prop is refused. */
const INVENTORY_PROP_KEYS = propKeys<ImageInventoryProps>()([
  'canary',
  'schedule',
  'horizonDays',
  'reminderHours',
  'logRetention',
]);

/**
 * The read-only actions of the inventory (docs/inventory.md). ECS's and Lambda's list calls have no resource-level
 * permissions; ECR's reads name repositories of any account, since a workload may run another account's image.
 */
export const INVENTORY_READ_ACTIONS = [
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:DescribeTaskDefinition',
  'lambda:ListFunctions',
  'lambda:GetFunction',
  'ecr:DescribeImages',
  'ecr:GetLifecyclePolicy',
  'ecr:GetRepositoryPolicy',
] as const;

/** What the alarm's description tells the person paged; the notification names each image and its fix. */
export const INVENTORY_RUNBOOK: Runbook = {
  title: 'Images in use at risk',
  saw: 'The inventory found images that ECS services, tasks or Lambda functions here run that the next pull will not get: deleted, archived or being restored, due to a lifecycle rule, or refused to the workload by another account.',
  causes: [
    'A lifecycle rule expired or archived the image, or will within the horizon.',
    'Someone deleted the tag, the image or the repository.',
    "Another account's repository policy no longer lets the task execution role or Lambda pull.",
  ],
  checks: ['ecr-pull-canary inventory --region <region>'],
  fix: 'Follow the fix in the notification: restore from archive (aws ecr update-image-storage-class ... --target-storage-class STANDARD), re-push or deploy an image that exists, exclude the tag from the rule, or grant the principal.',
};

/** The function's timeout: the run's budget plus its outputs. */
const INVENTORY_TIMEOUT = Duration.seconds(INVENTORY_DEFAULTS.runBudgetSeconds + 60);

/**
 * The images-in-use inventory of a region, beside its canary: a function on a schedule finds the ECR images the
 * ECS services, tasks and Lambda functions run and checks that each stays pullable (exists, not archived, no
 * lifecycle rule due, another account's policy lets it pull); one steady metric, one alarm on it, and a
 * deduplicated notification per image at risk on the canary's topic.
 */
export class ImageInventory extends Construct {
  readonly canary: EcrPullCanary;
  readonly function: CanaryFunction;
  readonly schedule: Duration;
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;
  readonly alarmName: string;

  constructor(scope: Construct, id: string, props: ImageInventoryProps) {
    super(scope, id);
    this.canary = props.canary;
    validate(props);
    this.schedule = props.schedule ?? Duration.minutes(INVENTORY_DEFAULTS.scheduleMinutes);
    this.function = this.createFunction(props);
    this.rule = new events.Rule(this, 'Schedule', {
      description: `ecr-pull-canary ${this.canary.canaryName}: images-in-use inventory`,
      schedule: events.Schedule.rate(this.schedule),
      // A run the schedule missed is not worth retrying: the next one comes within the period.
      targets: [new eventTargets.LambdaFunction(this.function.function, { retryAttempts: 0 })],
    });
    this.alarmName = alarmName({
      canaryName: this.canary.canaryName,
      region: Stack.of(this).region,
      alarm: 'images-at-risk',
      severity: ALARM_SEVERITY['images-at-risk'],
    });
    this.alarm = this.createAlarm();
  }

  private createFunction(props: ImageInventoryProps): CanaryFunction {
    const { canary } = props;
    const fn = new CanaryFunction(this, 'Function', {
      code: 'inventory',
      description: `ecr-pull-canary ${canary.canaryName}: images-in-use inventory`,
      timeout: INVENTORY_TIMEOUT,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      environment: {
        [INVENTORY_ENV.canaryName]: canary.canaryName,
        [INVENTORY_ENV.namespace]: canary.namespace,
        [INVENTORY_ENV.topicArn]: canary.topic.topic.topicArn,
        [INVENTORY_ENV.stateTable]: canary.stateTable.tableName,
        [INVENTORY_ENV.horizonDays]: String(props.horizonDays ?? INVENTORY_DEFAULTS.horizonDays),
        [INVENTORY_ENV.reminderHours]: String(props.reminderHours ?? CANARY_DEFAULTS.reminderHours),
      },
    });
    // Scheduled asynchronously; the handler never throws, so a retry could only repeat a timed-out run.
    fn.function.configureAsyncInvoke({ retryAttempts: 0 });
    this.grant(fn.role);
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Read-only inventory: ECS and Lambda list actions have no resource-level permissions, and ECR reads name repositories of any account a workload pulls from; cloudwatch:PutMetricData is limited by its namespace condition.',
    });
    return fn;
  }

  private grant(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...INVENTORY_READ_ACTIONS], resources: ['*'] }),
    );
    this.canary.grantPutMetricData(role);
    this.canary.topic.grantPublish(role);
    // Its one dedup item per region, and nothing else of the table.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.canary.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${INVENTORY_STATE_PREFIX}*`] } },
      }),
    );
  }

  private createAlarm(): cloudwatch.Alarm {
    const severity = ALARM_SEVERITY['images-at-risk'];
    const alarm = new cloudwatch.Alarm(this, 'AtRiskAlarm', {
      alarmName: this.alarmName,
      alarmDescription: alarmDescription({
        severity,
        summary:
          'Images that ECS services, tasks or Lambda functions in this region run are missing, archived, due to a lifecycle rule, or refused to the workload: their next pull fails. The notification names the workload, the image, the reason and the fix; `ecr-pull-canary inventory` lists them.',
        runbooks: [INVENTORY_RUNBOOK],
      }),
      metric: this.metricAtRisk(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // The metric is sent every run; a stopped inventory leaves the alarm where it was rather than paging.
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    const action = new SnsAction(this.canary.topic.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }

  /**
   * In-use image references at risk: the steady metric without dimensions, or one reason's (sent only while
   * non-zero). @default Maximum over the schedule
   */
  metricAtRisk(reason?: AtRiskReason, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.canary.namespace,
      metricName: INVENTORY_METRIC.atRisk,
      dimensionsMap: reason === undefined ? {} : { [INVENTORY_DIMENSION.reason]: reason },
      period: this.schedule,
      statistic: cloudwatch.Stats.MAXIMUM,
      ...props,
    });
  }
}

/** Every problem of the props in one error, before a resource is created. */
function validate(props: ImageInventoryProps): void {
  const p = new Problems(Token.isUnresolved);
  checkProps(p, props, INVENTORY_PROP_KEYS);
  if (
    checkDuration(p, 'schedule', props.schedule, 'imageInventory.scheduleMinutes') &&
    props.schedule !== undefined
  ) {
    const minutes = props.schedule.toMinutes({ integral: false });
    const { min, max } = INVENTORY_LIMITS.scheduleMinutes;
    if (!Number.isInteger(minutes) || minutes < min || minutes > max)
      p.add('schedule', `${minutes} minutes`, `allowed: whole minutes from ${min} to ${max}`);
  }
  const { horizonDays } = props;
  const range = INVENTORY_LIMITS.horizonDays;
  if (
    horizonDays !== undefined &&
    (!Number.isInteger(horizonDays) || horizonDays < range.min || horizonDays > range.max)
  )
    p.add('horizonDays', horizonDays, `allowed: a whole number from ${range.min} to ${range.max}`);
  if (!p.empty) throw new Error(`Invalid ImageInventory properties:\n  ${p.lines.join('\n  ')}`);
}
