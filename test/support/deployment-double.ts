// What a deployed canary looks like to `ecr-pull-canary status` and `drill`: the services' documented behaviour
// for the operations they call, as a model the SigV4-verifying loopback endpoint (test/support/preflight-double.ts)
// answers from, each in its installed client's wire protocol:
// - CloudFormation (AWS query): DescribeStacks, DescribeStackResources, DescribeStackSet, ListStackInstances;
// - EventBridge Scheduler (REST-JSON): GetSchedule (`GET /schedules/{Name}?groupName=`);
// - EventBridge (JSON 1.1, `AWSEvents.`): DescribeRule;
// - CloudWatch (JSON 1.0, `GraniteServiceVersion20100801.`, query-compatible errors): DescribeAlarms,
//   SetAlarmState, DescribeAlarmHistory, GetMetricData.
// Alarm semantics, as CloudWatch documents them:
// - SetAlarmState "temporarily sets the state of an alarm for testing purposes. When the updated state differs from
//   the previous value, the action configured for the appropriate state is invoked"; the alarm "returns to its
//   actual state" at its next evaluation (API reference, SetAlarmState). `reevaluateMs` models that evaluation.
// - Actions run only while ActionsEnabled, and only on a change of state.
// - Each action's outcome is an `Action` history item: "Successfully executed action <arn>" or "Failed to execute
//   action <arn>. Received error: "<why>"" (the texts the CloudWatch console's History tab and
//   `aws cloudwatch describe-alarm-history --history-item-type Action` show), written a little after the state
//   change (`actionDelayMs`).
// - An SNS action to a topic encrypted with a KMS key fails unless the key policy lets cloudwatch.amazonaws.com use
//   the key (judged by the project's policy evaluator, lambda/engine/model/iam-policy.ts, as preflight judges it); the
//   AWS managed key never does (SNS developer guide, "Key management", compatibility with AWS services).

import { policyStatements } from '../../lambda/engine/model/iam-policy.ts';
import { cloudWatchMayUseKey } from '../../lambda/engine/model/topic-key.ts';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface HistoryItem {
  at: Date;
  type: 'StateUpdate' | 'Action' | 'ConfigurationUpdate';
  summary: string;
  data: string;
}

export interface DeployedAlarm {
  region: string;
  name: string;
  state: AlarmState;
  /** What the next evaluation finds (the metric's verdict); defaults to `state` as first given. */
  actual?: AlarmState;
  updated: Date;
  reason?: string;
  actionsEnabled: boolean;
  alarmActions: string[];
  okActions: string[];
  history: HistoryItem[];
}

export interface DeployedStack {
  region: string;
  name: string;
  status: string;
  reason?: string;
  outputs: Record<string, string>;
  /** Stack tags (CDK passes a stack's tags to CloudFormation as these). */
  tags?: Record<string, string>;
  /** What DescribeStackResources lists: each resource's logical ID, type, physical ID and status (CREATE_COMPLETE). */
  resources?: Array<{ logicalId: string; type: string; physicalId: string; status?: string }>;
}

export interface DeployedSchedule {
  region: string;
  name: string;
  state: 'ENABLED' | 'DISABLED';
  expression: string;
}

export interface DeployedRule {
  region: string;
  name: string;
  state: 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
}

/** One metric's datapoints, by the minute: what GetMetricData aggregates per the query's period and statistic. */
export interface DeployedMetric {
  region: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  points: Array<{ at: Date; value: number }>;
}

export interface StackSetInstance {
  account: string;
  region: string;
  status: 'CURRENT' | 'OUTDATED' | 'INOPERABLE';
  detailedStatus:
    | 'PENDING'
    | 'RUNNING'
    | 'SUCCEEDED'
    | 'FAILED'
    | 'CANCELLED'
    | 'INOPERABLE'
    | 'SKIPPED_SUSPENDED_ACCOUNT';
  reason?: string;
}

export interface DeployedStackSet {
  region: string;
  name: string;
  status: 'ACTIVE' | 'DELETED';
  instances: StackSetInstance[];
}

export interface DeploymentState {
  stacks: DeployedStack[];
  schedules: DeployedSchedule[];
  rules: DeployedRule[];
  alarms: DeployedAlarm[];
  metrics: DeployedMetric[];
  stackSets: DeployedStackSet[];
  /** Milliseconds after a state change until its actions' history items are written. */
  actionDelayMs: number;
  /** Milliseconds after SetAlarmState until the alarm's next evaluation returns it to `actual`; null: never. */
  reevaluateMs: number | null;
}

/** The parts of the preflight double's state the actions touch: the topics and the keys. */
export interface TopicWorld {
  account: string;
  topics: Array<{ arn: string; kmsMasterKeyId?: string }>;
  keys: Array<{ arn: string; aliases: string[]; manager: 'AWS' | 'CUSTOMER'; policy: unknown }>;
}

export class ModelError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function emptyDeployment(): DeploymentState {
  return {
    stacks: [],
    schedules: [],
    rules: [],
    alarms: [],
    metrics: [],
    stackSets: [],
    actionDelayMs: 50,
    reevaluateMs: null,
  };
}

const xml = (s: unknown) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON protocols send timestamps as epoch seconds. */
const epoch = (d: Date) => d.getTime() / 1000;

export interface DeploymentModel {
  /** CloudFormation, AWS query: the `<OpResult>` body. */
  cloudformation(op: string, form: URLSearchParams, region: string): string;
  /** Scheduler, REST-JSON. */
  scheduler(method: string, path: string, query: URLSearchParams, region: string): unknown;
  /** EventBridge, JSON 1.1. */
  events(op: string, input: Record<string, unknown>, region: string): unknown;
  /** CloudWatch, JSON 1.0. */
  cloudwatch(op: string, input: Record<string, unknown>, region: string): unknown;
  /** Timers still to fire (delayed action items, re-evaluations); close() clears them. */
  stop(): void;
}

export function deploymentModel(current: () => DeploymentState, world: TopicWorld): DeploymentModel {
  // Read anew on every call: a test replaces the state between cases.
  let state = current();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  /** The outcome of one SNS action, as CloudWatch would meet it. */
  function runAction(alarm: DeployedAlarm, arn: string): HistoryItem {
    const topic = world.topics.find((t) => t.arn === arn);
    let error: string | null = null;
    if (!topic) error = `Resource: ${arn} does not exist`;
    else if (topic.kmsMasterKeyId) {
      const key = world.keys.find(
        (k) => k.arn === topic.kmsMasterKeyId || k.aliases.includes(topic.kmsMasterKeyId ?? ''),
      );
      const usable =
        key !== undefined &&
        key.manager === 'CUSTOMER' &&
        cloudWatchMayUseKey(policyStatements(key.policy), {
          account: world.account,
          region: alarm.region,
          alarmName: alarm.name,
          keyArn: key.arn,
        });
      if (!usable)
        error = 'CloudWatch Alarms does not have authorization to access the SNS topic encryption key.';
    }
    return error === null
      ? {
          at: new Date(),
          type: 'Action',
          summary: `Successfully executed action ${arn}`,
          data: JSON.stringify({ actionState: 'Succeeded', notificationResource: arn }),
        }
      : {
          at: new Date(),
          type: 'Action',
          summary: `Failed to execute action ${arn}. Received error: "${error}"`,
          data: JSON.stringify({ actionState: 'Failed', notificationResource: arn, error }),
        };
  }

  function changeState(alarm: DeployedAlarm, next: AlarmState, reason: string): void {
    const previous = alarm.state;
    if (previous === next) return;
    alarm.state = next;
    alarm.updated = new Date();
    alarm.reason = reason;
    alarm.history.push({
      at: alarm.updated,
      type: 'StateUpdate',
      summary: `Alarm updated from ${previous} to ${next}`,
      data: JSON.stringify({
        oldState: { stateValue: previous },
        newState: { stateValue: next, stateReason: reason },
      }),
    });
    if (!alarm.actionsEnabled) return;
    const actions = next === 'ALARM' ? alarm.alarmActions : next === 'OK' ? alarm.okActions : [];
    for (const arn of actions) later(state.actionDelayMs, () => alarm.history.push(runAction(alarm, arn)));
  }

  function alarmNamed(region: string, name: unknown): DeployedAlarm {
    const alarm = state.alarms.find((a) => a.region === region && a.name === name);
    if (!alarm) throw new ModelError(404, 'ResourceNotFound', `Alarm ${String(name)} does not exist`);
    return alarm;
  }

  return {
    cloudformation(op, form, region) {
      state = current();
      if (op === 'DescribeStacks') {
        const name = form.get('StackName');
        const stack = state.stacks.find((s) => s.region === region && s.name === name);
        if (!stack) throw new ModelError(400, 'ValidationError', `Stack with id ${name} does not exist`);
        const outputs = Object.entries(stack.outputs)
          .map(
            ([k, v]) =>
              `<member><OutputKey>${xml(k)}</OutputKey><OutputValue>${xml(v)}</OutputValue></member>`,
          )
          .join('');
        return `<DescribeStacksResult><Stacks><member><StackName>${xml(stack.name)}</StackName><StackId>arn:aws:cloudformation:${region}:${world.account}:stack/${xml(stack.name)}/0a1b2c3d</StackId><CreationTime>2026-12-01T10:00:00.000Z</CreationTime><StackStatus>${stack.status}</StackStatus>${stack.reason ? `<StackStatusReason>${xml(stack.reason)}</StackStatusReason>` : ''}<Outputs>${outputs}</Outputs><Tags>${Object.entries(
          stack.tags ?? {},
        )
          .map(([k, v]) => `<member><Key>${xml(k)}</Key><Value>${xml(v)}</Value></member>`)
          .join('')}</Tags></member></Stacks></DescribeStacksResult>`;
      }
      if (op === 'DescribeStackResources') {
        // By StackName only (the form status and preflight send); a stack that is not there: DescribeStacks' error.
        const name = form.get('StackName');
        const stack = state.stacks.find((s) => s.region === region && s.name === name);
        if (!stack) throw new ModelError(400, 'ValidationError', `Stack with id ${name} does not exist`);
        const members = (stack.resources ?? [])
          .map(
            (r) =>
              `<member><StackName>${xml(stack.name)}</StackName><StackId>arn:aws:cloudformation:${region}:${world.account}:stack/${xml(stack.name)}/0a1b2c3d</StackId><LogicalResourceId>${xml(r.logicalId)}</LogicalResourceId><PhysicalResourceId>${xml(r.physicalId)}</PhysicalResourceId><ResourceType>${xml(r.type)}</ResourceType><Timestamp>2026-12-01T10:00:00.000Z</Timestamp><ResourceStatus>${r.status ?? 'CREATE_COMPLETE'}</ResourceStatus></member>`,
          )
          .join('');
        return `<DescribeStackResourcesResult><StackResources>${members}</StackResources></DescribeStackResourcesResult>`;
      }
      if (op === 'DescribeStackSet' || op === 'ListStackInstances') {
        const name = form.get('StackSetName');
        const set = state.stackSets.find((s) => s.region === region && s.name === name);
        if (!set) throw new ModelError(404, 'StackSetNotFoundException', `StackSet ${name} not found`);
        if (op === 'DescribeStackSet') {
          return `<DescribeStackSetResult><StackSet><StackSetName>${xml(set.name)}</StackSetName><StackSetId>${xml(set.name)}:1234</StackSetId><Status>${set.status}</Status><PermissionModel>SERVICE_MANAGED</PermissionModel></StackSet></DescribeStackSetResult>`;
        }
        const members = set.instances
          .map(
            (i) =>
              `<member><StackSetId>${xml(set.name)}:1234</StackSetId><Region>${i.region}</Region><Account>${i.account}</Account><Status>${i.status}</Status>${i.reason ? `<StatusReason>${xml(i.reason)}</StatusReason>` : ''}<StackInstanceStatus><DetailedStatus>${i.detailedStatus}</DetailedStatus></StackInstanceStatus></member>`,
          )
          .join('');
        return `<ListStackInstancesResult><Summaries>${members}</Summaries></ListStackInstancesResult>`;
      }
      throw new ModelError(
        400,
        'InvalidAction',
        `The action cloudformation:${op} is not modelled by test/support/deployment-double.ts`,
      );
    },

    scheduler(method, path, query, region) {
      state = current();
      const m = /^\/schedules\/([^/]+)$/.exec(path);
      if (method !== 'GET' || !m)
        throw new ModelError(
          400,
          'ValidationException',
          `${method} ${path} is not modelled by test/support/deployment-double.ts`,
        );
      const name = decodeURIComponent(m[1] as string);
      const group = query.get('groupName') ?? 'default';
      const schedule = state.schedules.find((s) => s.region === region && s.name === name);
      if (!schedule || group !== 'default')
        throw new ModelError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      return {
        Arn: `arn:aws:scheduler:${region}:${world.account}:schedule/${group}/${name}`,
        Name: name,
        GroupName: group,
        State: schedule.state,
        ScheduleExpression: schedule.expression,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: `arn:aws:lambda:${region}:${world.account}:function:probe`,
          RoleArn: `arn:aws:iam::${world.account}:role/schedule`,
        },
        CreationDate: epoch(new Date('2026-12-01T10:00:00Z')),
      };
    },

    events(op, input, region) {
      state = current();
      if (op !== 'DescribeRule')
        throw new ModelError(
          400,
          'UnknownOperationException',
          `events:${op} is not modelled by test/support/deployment-double.ts`,
        );
      const rule = state.rules.find((r) => r.region === region && r.name === input.Name);
      if (!rule)
        throw new ModelError(
          400,
          'ResourceNotFoundException',
          `Rule ${String(input.Name)} does not exist on EventBus default.`,
        );
      return {
        Name: rule.name,
        Arn: `arn:aws:events:${region}:${world.account}:rule/${rule.name}`,
        State: rule.state,
        EventBusName: 'default',
        EventPattern: '{"source":["aws.ecs"]}',
      };
    },

    cloudwatch(op, input, region) {
      state = current();
      switch (op) {
        case 'DescribeAlarms': {
          const prefix = typeof input.AlarmNamePrefix === 'string' ? input.AlarmNamePrefix : undefined;
          const names = Array.isArray(input.AlarmNames) ? (input.AlarmNames as string[]) : undefined;
          const all = state.alarms.filter(
            (a) =>
              a.region === region &&
              (!prefix || a.name.startsWith(prefix)) &&
              (!names || names.includes(a.name)),
          );
          // Pages of MaxRecords (default 50), NextToken an offset, as opaque to the client as AWS's.
          const max = typeof input.MaxRecords === 'number' ? input.MaxRecords : 50;
          const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
          const page = all.slice(start, start + max);
          return {
            MetricAlarms: page.map((a) => ({
              AlarmName: a.name,
              AlarmArn: `arn:aws:cloudwatch:${region}:${world.account}:alarm:${a.name}`,
              StateValue: a.state,
              StateReason: a.reason ?? 'Threshold Crossed',
              StateUpdatedTimestamp: epoch(a.updated),
              ActionsEnabled: a.actionsEnabled,
              AlarmActions: a.alarmActions,
              OKActions: a.okActions,
              InsufficientDataActions: [],
              MetricName: 'Latency',
              Namespace: 'EcrPullCanary',
            })),
            CompositeAlarms: [],
            ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
          };
        }
        case 'SetAlarmState': {
          const alarm = alarmNamed(region, input.AlarmName);
          const next = input.StateValue;
          if (next !== 'OK' && next !== 'ALARM' && next !== 'INSUFFICIENT_DATA')
            throw new ModelError(400, 'InvalidParameterValue', `StateValue ${String(next)} is not valid`);
          if (
            typeof input.StateReason !== 'string' ||
            input.StateReason.length === 0 ||
            input.StateReason.length > 1023
          )
            throw new ModelError(400, 'InvalidParameterValue', 'StateReason must be 1 to 1023 characters');
          alarm.actual ??= alarm.state;
          changeState(alarm, next, input.StateReason);
          if (state.reevaluateMs !== null) {
            later(state.reevaluateMs, () =>
              changeState(alarm, alarm.actual ?? alarm.state, 'Threshold Crossed: the next evaluation'),
            );
          }
          return {};
        }
        case 'DescribeAlarmHistory': {
          const alarm = alarmNamed(region, input.AlarmName);
          const type = input.HistoryItemType;
          const from = typeof input.StartDate === 'number' ? input.StartDate * 1000 : 0;
          const to = typeof input.EndDate === 'number' ? input.EndDate * 1000 : Number.POSITIVE_INFINITY;
          const items = alarm.history
            .filter(
              (h) =>
                (type === undefined || h.type === type) && h.at.getTime() >= from && h.at.getTime() <= to,
            )
            .sort((a, b) =>
              input.ScanBy === 'TimestampAscending'
                ? a.at.getTime() - b.at.getTime()
                : b.at.getTime() - a.at.getTime(),
            );
          const max = typeof input.MaxRecords === 'number' ? input.MaxRecords : 100;
          return {
            AlarmHistoryItems: items.slice(0, max).map((h) => ({
              AlarmName: alarm.name,
              AlarmType: 'MetricAlarm',
              Timestamp: epoch(h.at),
              HistoryItemType: h.type,
              HistorySummary: h.summary,
              HistoryData: h.data,
            })),
          };
        }
        case 'GetMetricData': {
          const queries = (input.MetricDataQueries ?? []) as Array<{
            Id: string;
            MetricStat?: {
              Metric: {
                Namespace: string;
                MetricName: string;
                Dimensions?: Array<{ Name: string; Value: string }>;
              };
              Period: number;
              Stat: string;
            };
          }>;
          if (queries.length === 0 || queries.length > 500)
            throw new ModelError(
              400,
              'InvalidParameterValue',
              'MetricDataQueries must have 1 to 500 members',
            );
          const start = Number(input.StartTime) * 1000;
          const end = Number(input.EndTime) * 1000;
          return {
            MetricDataResults: queries.map((q) => {
              const stat = q.MetricStat;
              if (!stat)
                throw new ModelError(400, 'InvalidParameterValue', 'only MetricStat queries are modelled');
              const dims = Object.fromEntries((stat.Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
              const metric = state.metrics.find(
                (m) =>
                  m.region === region &&
                  m.namespace === stat.Metric.Namespace &&
                  m.name === stat.Metric.MetricName &&
                  JSON.stringify(Object.entries(m.dimensions).sort()) ===
                    JSON.stringify(Object.entries(dims).sort()),
              );
              const buckets = new Map<number, number[]>();
              for (const p of metric?.points ?? []) {
                const t = p.at.getTime();
                if (t < start || t >= end) continue;
                const bucket = Math.floor(t / (stat.Period * 1000)) * stat.Period * 1000;
                buckets.set(bucket, [...(buckets.get(bucket) ?? []), p.value]);
              }
              const ordered = [...buckets.entries()].sort(([a], [b]) =>
                input.ScanBy === 'TimestampAscending' ? a - b : b - a,
              );
              const reduce = (values: number[]) =>
                stat.Stat === 'SampleCount'
                  ? values.length
                  : stat.Stat === 'Sum'
                    ? values.reduce((x, y) => x + y, 0)
                    : stat.Stat === 'Maximum'
                      ? Math.max(...values)
                      : values.reduce((x, y) => x + y, 0) / values.length;
              return {
                Id: q.Id,
                Label: stat.Metric.MetricName,
                Timestamps: ordered.map(([t]) => t / 1000),
                Values: ordered.map(([, values]) => reduce(values)),
                StatusCode: 'Complete',
              };
            }),
            Messages: [],
          };
        }
        default:
          throw new ModelError(
            400,
            'InvalidAction',
            `cloudwatch:${op} is not modelled by test/support/deployment-double.ts`,
          );
      }
    },

    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
