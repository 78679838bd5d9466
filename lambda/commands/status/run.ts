import type { Output, Stack } from '@aws-sdk/client-cloudformation';
import type { MetricAlarm, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Subscription } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { maskEndpoint } from '../../engine/aws/endpoint.ts';
import { alarmName, alarmNamePrefix } from '../../engine/config/alarm-naming.ts';
import type { CanaryConfig, RegionConfig } from '../../engine/config/schema.ts';
import { writtenConfiguration } from '../../engine/config/validate.ts';
import { DIMENSION, METRIC } from '../../engine/model/contract.ts';
import {
  canaryStackName,
  configurationHash,
  SCHEDULE_GROUP,
  STACK_OUTPUTS,
  writtenConfigurationHash,
} from '../../engine/model/deployment.ts';
import { policyStatements, UnmodelledPolicyError } from '../../engine/model/iam-policy.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../../engine/model/seed-contract.ts';
import { resolveTarget } from '../../engine/model/target.ts';
import { cloudWatchMayUseKey } from '../../engine/model/topic-key.ts';
import type { Category } from '../../engine/model/types.ts';
import { relativeTime } from '../doctor/check.ts';
import { VERSION } from '../package-info.ts';
import { check, type Place, type StatusCheck, unanswered } from './check.ts';
import { leftoverChecks } from './leftover.ts';
import { organizationStatus } from './organization.ts';
import { StatusReader } from './read.ts';

export interface StatusRequest {
  config: CanaryConfig;
  timeoutMs: number;
  /** Look for leftover stacks in the partition's other regions (`--no-scan`: false). @default true */
  scan?: boolean;
  /** The time status judges against (tests pin it). */
  now?: Date;
  /** The regions the leftover scan looks in (tests name a few). @default every known region of the partition */
  scanRegions?: readonly string[];
}

/** How far back the probe's runs and the watch's events are read: one GetMetricData per region covers both. */
export const LOOKBACK_HOURS = 24;

/**
 * Reads every account and region of the configuration with the caller's credentials, concurrently; read-only
 * (Describe, Get and List calls only), and never throws for a failing endpoint.
 */
export async function runStatus(request: StatusRequest): Promise<StatusCheck[]> {
  const reader = new StatusReader(request.timeoutMs, request.scanRegions);
  try {
    return await statusChecks(reader, request);
  } finally {
    reader.pool.destroy();
  }
}

async function statusChecks(reader: StatusReader, request: StatusRequest): Promise<StatusCheck[]> {
  const { config } = request;
  const now = request.now ?? new Date();
  const firstRegion = config.regions[0]?.region ?? 'us-east-1';
  const identity = await reader.call((abortSignal) =>
    reader.sts(firstRegion).send(new GetCallerIdentityCommand({}), { abortSignal }),
  );
  if (!identity.ok) {
    const failed = unanswered('credentials', null, 'sts:GetCallerIdentity', identity);
    const fix =
      identity.kind === 'timeout' || identity.kind === 'unreachable'
        ? failed.fix
        : 'give credentials of the account the canary runs in (AWS_PROFILE, aws sso login, …) and run status again';
    return [{ ...failed, status: 'fail', fix }];
  }
  const caller = identity.value.Account ?? '';
  const credentials = check('credentials', null, 'pass', `${identity.value.Arn} (account ${caller})`, null, {
    arn: identity.value.Arn,
    account: caller,
  });
  if (config.organization) {
    return [credentials, ...(await organizationStatus(reader, config, caller, request.scan !== false))];
  }
  const account = config.account ?? caller;
  if (account !== caller) {
    return [
      credentials,
      check(
        'account',
        null,
        'fail',
        `the configuration deploys to account ${account}, but these credentials are account ${caller}`,
        `use credentials of ${account} (AWS_PROFILE=…) and run status again`,
        { configured: account, caller },
      ),
    ];
  }
  const [perRegion, leftovers] = await Promise.all([
    Promise.all(
      config.regions.map((region) =>
        regionStatus(reader, config, region, { account, region: region.region }, now),
      ),
    ),
    request.scan === false
      ? [check('leftover', null, 'skip', 'not looked for (--no-scan)', null)]
      : leftoverChecks(reader, config, account),
  ]);
  return [credentials, ...perRegion.flat(), ...leftovers];
}

const outputOf = (outputs: Output[] | undefined, key: string): string | undefined =>
  outputs?.find((o) => o.OutputKey === key)?.OutputValue || undefined;

/** One region's canary stack and what it runs. */
async function regionStatus(
  reader: StatusReader,
  config: CanaryConfig,
  region: RegionConfig,
  place: Place,
  now: Date,
): Promise<StatusCheck[]> {
  const stackName = canaryStackName(config.name, region.region);
  const stack = await reader.stack(region.region, stackName);
  const checks: StatusCheck[] = [];
  if (!stack.ok) checks.push(unanswered('stack', place, 'cloudformation:DescribeStacks', stack));
  else if (stack.value === null) {
    return [
      check(
        'stack',
        place,
        'fail',
        `not deployed: there is no stack ${stackName} in ${region.region}, so nothing probes or pages here`,
        `npx cdk deploy ${stackName} (with this configuration)`,
        { stackName },
      ),
    ];
  } else checks.push(stackCheck(config, region, place, stack.value));
  const outputs = stack.ok ? (stack.value?.Outputs ?? []) : [];
  const topicArn = outputOf(outputs, STACK_OUTPUTS.topicArn) ?? region.notifications.topicArn;
  const scheduleName = outputOf(outputs, STACK_OUTPUTS.scheduleName);
  const rules = [
    { kind: 'ECS task', name: outputOf(outputs, STACK_OUTPUTS.ecsRuleName), wanted: 'ENABLED' },
    {
      kind: 'ECR API',
      name: outputOf(outputs, STACK_OUTPUTS.ecrApiRuleName),
      wanted: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    },
  ].filter((r): r is { kind: string; name: string; wanted: string } => r.name !== undefined);
  const targets = targetNames(config, region);
  const work: Array<Promise<StatusCheck | StatusCheck[]>> = [
    scheduleName === undefined
      ? Promise.resolve(
          check(
            'schedule',
            place,
            stack.ok ? 'warn' : 'skip',
            stack.ok
              ? `not checked: the stack has no ${STACK_OUTPUTS.scheduleName} output (deployed by an earlier ecr-pull-canary)`
              : 'not checked: the stack was not read',
            stack.ok ? `npx cdk deploy ${stackName}` : null,
          ),
        )
      : scheduleCheck(reader, config, place, scheduleName),
    alarmsChecks(reader, config, place),
    topicArn === undefined
      ? Promise.resolve(check('topic', place, 'skip', 'not checked: the stack was not read', null))
      : topicChecks(reader, place, topicArn),
    topicArn === undefined ? Promise.resolve([]) : topicKeyChecks(reader, config, place, topicArn),
    metricsChecks(reader, config, place, targets, rules, now),
  ];
  return [...checks, ...(await Promise.all(work)).flat()];
}

/** The targets' metric dimension values, the heartbeat target first, as the stack passes them to the function. */
function targetNames(config: CanaryConfig, region: RegionConfig): string[] {
  return [
    ...(config.knownGoodImage ? [KNOWN_GOOD_TARGET_NAME] : []),
    ...region.targets.map((t) => resolveTarget(t, region.region).name),
  ];
}

/**
 * Why a deployed stack is not what this configuration and this version would deploy: `configuration`, the file
 * changed since the deploy (or another one was deployed); `defaults`, the file is the same as written, but this
 * version of the tool resolves it differently (new or changed defaults); null, it is current (or cannot be told).
 */
export type Staleness = 'configuration' | 'defaults' | null;

/** CloudFormation's stack states, judged by whether the canary's resources are in place and current. */
function stackCheck(config: CanaryConfig, region: RegionConfig, place: Place, stack: Stack): StatusCheck {
  const name = stack.StackName ?? canaryStackName(config.name, region.region);
  const status = stack.StackStatus ?? 'UNKNOWN';
  const deployed = outputOf(stack.Outputs, STACK_OUTPUTS.configurationHash);
  const wanted = configurationHash(config, region.region);
  const deployedWritten = outputOf(stack.Outputs, STACK_OUTPUTS.writtenConfigurationHash);
  const written = writtenConfiguration(config);
  const wantedWritten = written ? writtenConfigurationHash(written, region.region) : undefined;
  const deployedBy = outputOf(stack.Outputs, STACK_OUTPUTS.toolVersion);
  // Stacks deployed before the written hash existed carry only ConfigurationHash: judged by it alone, as before.
  const stale: Staleness =
    deployed === undefined || deployed === wanted
      ? null
      : deployedWritten !== undefined && deployedWritten === wantedWritten
        ? 'defaults'
        : 'configuration';
  const details = {
    stackName: name,
    stackStatus: status,
    configurationHash: deployed ?? null,
    expected: wanted,
    writtenConfigurationHash: deployedWritten ?? null,
    expectedWritten: wantedWritten ?? null,
    deployedBy: deployedBy ?? null,
    toolVersion: VERSION,
    stale,
  };
  const reason = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
  if (/_IN_PROGRESS$/.test(status)) {
    return check(
      'stack',
      place,
      'warn',
      `${name} is ${status}: being changed now`,
      'run status again when it is done',
      details,
    );
  }
  if (status === 'UPDATE_ROLLBACK_COMPLETE') {
    return check(
      'stack',
      place,
      'warn',
      `${name} is UPDATE_ROLLBACK_COMPLETE: the last update failed and was rolled back; the version before it runs`,
      `read why in the stack's events (aws cloudformation describe-stack-events --stack-name ${name} --region ${place.region}), fix it and deploy again`,
      details,
    );
  }
  if (!/^(CREATE|UPDATE|IMPORT)_COMPLETE$/.test(status)) {
    return check(
      'stack',
      place,
      'fail',
      `${name} is ${status}${reason}: its resources may be missing`,
      `read why in the stack's events (aws cloudformation describe-stack-events --stack-name ${name} --region ${place.region}); ${status === 'ROLLBACK_COMPLETE' ? 'delete the stack and ' : ''}deploy again`,
      details,
    );
  }
  if (deployed === undefined) {
    return check(
      'stack',
      place,
      'warn',
      `${name} is ${status}, but carries no ${STACK_OUTPUTS.configurationHash}: deployed by an earlier ecr-pull-canary, so status cannot tell whether it is this configuration`,
      `npx cdk deploy ${name}`,
      details,
    );
  }
  const by = deployedBy ?? 'a version that did not record itself';
  if (stale === 'defaults') {
    // Same file, another result: the tool changed. A warning, like a changed file: what runs still probes and pages
    // as the deploying version built it; what is not deployed yet is the new version's, not the user's, change.
    return check(
      'stack',
      place,
      'warn',
      deployedBy !== VERSION
        ? `${name} is ${status}, deployed by ecr-pull-canary ${by}; this is ${VERSION}: the configuration is unchanged, but ${VERSION} deploys it differently (new defaults)`
        : `${name} is ${status}: the configuration is unchanged as written, but this build of ecr-pull-canary ${VERSION} resolves it differently from the build that deployed it (another commit of the same version)`,
      `npx cdk deploy ${name} to apply them (CHANGELOG.md names what each release changes); nothing in your configuration needs to change`,
      details,
    );
  }
  if (stale === 'configuration') {
    return check(
      'stack',
      place,
      'warn',
      `${name} is ${status}, but stale: it was synthesized from another configuration (hash ${deployed}; this one is ${wanted}): the configuration changed since the deploy${deployedBy !== undefined && deployedBy !== VERSION ? ` (deployed by ecr-pull-canary ${deployedBy}; this is ${VERSION})` : ''}`,
      `npx cdk deploy ${name} (or run status with the configuration that was deployed)`,
      details,
    );
  }
  return check(
    'stack',
    place,
    'pass',
    `${name} is ${status}, synthesized from this configuration${
      deployedBy !== undefined && deployedBy !== VERSION
        ? ` by ecr-pull-canary ${deployedBy} (this is ${VERSION}, with the same defaults: \`npx cdk diff ${name}\` shows whether it deploys anything else differently)`
        : ''
    }`,
    null,
    details,
  );
}

/** The schedule is enabled and runs the probe as often as the configuration says. */
async function scheduleCheck(
  reader: StatusReader,
  config: CanaryConfig,
  place: Place,
  name: string,
): Promise<StatusCheck> {
  const answer = await reader.schedule(place.region, name, SCHEDULE_GROUP);
  if (!answer.ok) {
    if (answer.name === 'ResourceNotFoundException') {
      return check(
        'schedule',
        place,
        'fail',
        `the schedule ${name} is gone: nothing runs the probe, and the heartbeat alarm pages`,
        'deploy the stack again: npx cdk deploy (CloudFormation recreates it only when its template changes; delete and redeploy the stack if it does not)',
        { scheduleName: name },
      );
    }
    return unanswered('schedule', place, 'scheduler:GetSchedule', answer);
  }
  const expression = answer.value.ScheduleExpression ?? '';
  const state = answer.value.State ?? 'UNKNOWN';
  const details = { scheduleName: name, state, expression };
  if (state !== 'ENABLED') {
    return check(
      'schedule',
      place,
      'fail',
      `the schedule ${name} (${expression}) is ${state}: the probe does not run, and the heartbeat alarm pages`,
      `enable it: EventBridge Scheduler console, ${place.region}, Schedules, ${name}, Enable`,
      details,
    );
  }
  const minutes = Number(/^rate\((\d+) minutes?\)$/.exec(expression)?.[1]);
  if (minutes !== config.scheduleMinutes) {
    return check(
      'schedule',
      place,
      'warn',
      `the schedule ${name} is ${expression}, but the configuration says every ${config.scheduleMinutes} minutes`,
      'deploy this configuration (npx cdk deploy), or run status with the one that was deployed',
      details,
    );
  }
  return check('schedule', place, 'pass', `${name} is ENABLED, ${expression}`, null, details);
}

/** The alarm kind in an alarm's name (lambda/engine/config/alarm-naming.ts alarmName: `<canary>-<region>-<kind>[-<target>]-<severity>`). */
const KIND_CATEGORY: ReadonlyArray<[string, Category]> = [
  ['workload-auth-', 'auth'],
  ['workload-throttle-', 'throttle'],
  ['auth-', 'auth'],
  ['throttle-', 'throttle'],
  ['clock-skew-', 'clock-skew'],
  ['latency-', 'network'],
];

function alarmCategory(prefix: string, name: string): Category | null {
  const rest = name.slice(prefix.length);
  return KIND_CATEGORY.find(([kind]) => rest.startsWith(kind))?.[1] ?? null;
}

/** Every alarm of the canary in the region: one pass line for those that can page, one line per one that cannot. */
async function alarmsChecks(
  reader: StatusReader,
  config: CanaryConfig,
  place: Place,
): Promise<StatusCheck[]> {
  const prefix = alarmNamePrefix(config.name, place.region);
  const answer = await reader.alarms(place.region, prefix);
  if (!answer.ok) return [unanswered('alarms', place, 'cloudwatch:DescribeAlarms', answer)];
  const alarms = answer.value;
  const listed = alarms.map((a) => ({
    name: a.AlarmName,
    state: a.StateValue,
    since: a.StateUpdatedTimestamp?.toISOString() ?? null,
    actionsEnabled: a.ActionsEnabled ?? false,
    alarmActions: a.AlarmActions ?? [],
    okActions: a.OKActions ?? [],
  }));
  if (alarms.length === 0) {
    return [
      check(
        'alarms',
        place,
        'fail',
        `no alarm named ${prefix}*: nothing here can page`,
        'deploy the stack with this configuration (npx cdk deploy)',
        { prefix },
      ),
    ];
  }
  const problems = alarms.flatMap((alarm) => alarmProblem(alarm, prefix, place));
  const good = alarms.length - new Set(problems.map((p) => p.details.alarmName)).size;
  return [
    check(
      'alarms',
      place,
      problems.some((p) => p.status === 'fail') ? 'fail' : problems.length > 0 ? 'warn' : 'pass',
      `${alarms.length} alarm(s): ${good} OK with actions enabled${problems.length ? `, ${alarms.length - good} with a problem (below)` : ''}`,
      null,
      { alarms: listed },
    ),
    ...problems,
  ];
}

function alarmProblem(alarm: MetricAlarm, prefix: string, place: Place): StatusCheck[] {
  const name = alarm.AlarmName ?? '?';
  const since = alarm.StateUpdatedTimestamp ? ` since ${alarm.StateUpdatedTimestamp.toISOString()}` : '';
  const details = {
    alarmName: name,
    state: alarm.StateValue,
    since: alarm.StateUpdatedTimestamp?.toISOString() ?? null,
    actionsEnabled: alarm.ActionsEnabled ?? false,
  };
  if (alarm.ActionsEnabled === false) {
    return [
      check(
        'alarm',
        place,
        'fail',
        `${name} has its actions disabled: it changes state (${alarm.StateValue}${since}) but pages nobody`,
        `aws cloudwatch enable-alarm-actions --alarm-names ${name} --region ${place.region}`,
        details,
      ),
    ];
  }
  if ((alarm.AlarmActions ?? []).length === 0) {
    return [
      check(
        'alarm',
        place,
        'fail',
        `${name} has no ALARM action: it pages nobody`,
        'deploy the stack with this configuration (npx cdk deploy)',
        details,
      ),
    ];
  }
  if (alarm.StateValue === 'ALARM') {
    const category = alarmCategory(prefix, name);
    return [
      check(
        'alarm',
        place,
        'fail',
        `${name} is in ALARM${since}: ${alarm.StateReason ?? ''}`.trim(),
        category
          ? 'follow the runbook below; the notification names the failing target and category'
          : `read the probe's last log lines: aws logs tail /ecr-pull-canary/${prefix.slice(0, -(place.region.length + 2))}/probe --since 1h --region ${place.region}`,
        details,
        category,
      ),
    ];
  }
  if (alarm.StateValue === 'INSUFFICIENT_DATA') {
    return [
      check(
        'alarm',
        place,
        'warn',
        `${name} is INSUFFICIENT_DATA${since}: it cannot go to ALARM until its metric has data`,
        'wait for the next runs; if it stays, check that the probe runs (probe runs above)',
        details,
      ),
    ];
  }
  return [];
}

/** SNS lists a subscription that awaits confirmation with this in place of its ARN. */
const PENDING = 'PendingConfirmation';

/** The alarms' topic has subscribers, and every one of them is confirmed. */
async function topicChecks(reader: StatusReader, place: Place, topicArn: string): Promise<StatusCheck[]> {
  const answer = await reader.subscriptions(place.region, topicArn);
  if (!answer.ok) {
    if (answer.name === 'NotFound' || answer.name === 'NotFoundException') {
      return [
        check(
          'topic',
          place,
          'fail',
          `the topic ${topicArn} does not exist: every alarm action fails`,
          'deploy the stack again (npx cdk deploy), or fix notifications.topicArn',
          { topicArn },
        ),
      ];
    }
    return [unanswered('topic', place, 'sns:ListSubscriptionsByTopic', answer)];
  }
  const subscriptions = answer.value;
  const shown = (s: Subscription) => ({
    protocol: s.Protocol ?? '?',
    endpoint: maskEndpoint(s.Endpoint ?? ''),
    confirmed: s.SubscriptionArn !== PENDING,
  });
  const listed = subscriptions.map(shown);
  if (subscriptions.length === 0) {
    return [
      check(
        'topic',
        place,
        'fail',
        `${topicArn} has no subscription: the alarms notify a topic nobody reads`,
        'add notifications.emails or notifications.httpsEndpoints to the configuration and deploy, or subscribe your pager to the topic',
        { topicArn, subscriptions: listed },
      ),
    ];
  }
  const pending = subscriptions.filter((s) => s.SubscriptionArn === PENDING);
  const confirmed = listed.filter((s) => s.confirmed);
  const checks = [
    check(
      'topic',
      place,
      confirmed.length === 0 ? 'fail' : 'pass',
      `${topicArn}: ${confirmed.length} confirmed subscription(s)${confirmed.length ? ` (${confirmed.map((s) => `${s.protocol} ${s.endpoint}`).join(', ')})` : ''}${pending.length ? `, ${pending.length} pending` : ''}`,
      confirmed.length === 0
        ? 'confirm the pending subscriptions (below): until one is confirmed, no alarm reaches anyone'
        : null,
      { topicArn, subscriptions: listed },
    ),
  ];
  for (const s of pending) {
    const { protocol, endpoint } = shown(s);
    const email = protocol === 'email' || protocol === 'email-json';
    checks.push(
      check(
        'subscription',
        place,
        'fail',
        `${protocol} ${endpoint} is pending confirmation: SNS delivers nothing to it until it is confirmed`,
        email
          ? `confirm the e-mail sent by AWS Notifications (no-reply@sns.amazonaws.com, subject "AWS Notification - Subscription Confirmation") to ${endpoint}: open its "Confirm subscription" link. No e-mail? Send it again: aws sns subscribe --topic-arn ${topicArn} --protocol ${protocol} --notification-endpoint ${endpoint} --region ${place.region}`
          : `the endpoint must confirm: it answers SNS's SubscriptionConfirmation message by visiting its SubscribeURL (or calling ConfirmSubscription with its Token); then run status again`,
        { topicArn, protocol, endpoint },
      ),
    );
  }
  return checks;
}

/**
 * An encrypted topic's key lets CloudWatch use it: otherwise every alarm notification is dropped, with nothing but
 * "Failed to execute action" in the alarm's history (`drill` shows that text). The judgement is preflight's
 * (lambda/engine/model/topic-key.ts). No line for an unencrypted topic.
 */
async function topicKeyChecks(
  reader: StatusReader,
  config: CanaryConfig,
  place: Place,
  topicArn: string,
): Promise<StatusCheck[]> {
  const attributes = await reader.topicAttributes(place.region, topicArn);
  if (!attributes.ok) {
    // A missing topic is the topic line's to say.
    if (attributes.name === 'NotFound' || attributes.name === 'NotFoundException') return [];
    return [unanswered('topic-key', place, 'sns:GetTopicAttributes', attributes)];
  }
  const keyId = attributes.value.Attributes?.KmsMasterKeyId;
  if (!keyId) return [];
  const described = await reader.key(place.region, keyId);
  if (!described.ok) return [unanswered('topic-key', place, 'kms:DescribeKey', described)];
  const keyArn = described.value.KeyMetadata?.Arn ?? keyId;
  const details = { topicArn, keyArn };
  const fix =
    'add a key policy statement allowing the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (conditions aws:SourceAccount, aws:SourceArn of the alarms), then prove it with ecr-pull-canary drill';
  if (described.value.KeyMetadata?.KeyManager === 'AWS') {
    return [
      check(
        'topic-key',
        place,
        'fail',
        `${topicArn} is encrypted with the AWS managed key ${keyId}: CloudWatch cannot use it, and every alarm notification is dropped`,
        'encrypt the topic with a customer managed key whose policy lets cloudwatch.amazonaws.com use it',
        details,
      ),
    ];
  }
  const policy = await reader.keyPolicy(place.region, keyArn);
  if (!policy.ok) return [unanswered('topic-key', place, 'kms:GetKeyPolicy', policy)];
  let usable: boolean;
  try {
    usable = cloudWatchMayUseKey(policyStatements(policy.value.Policy ?? '{}'), {
      account: place.account,
      region: place.region,
      alarmName: alarmName({
        canaryName: config.name,
        region: place.region,
        alarm: 'availability',
        severity: 'critical',
      }),
      keyArn,
    });
  } catch (error) {
    return [
      check(
        'topic-key',
        place,
        'warn',
        `${keyArn}: its key policy could not be judged (${error instanceof UnmodelledPolicyError ? error.message : 'not JSON'})`,
        'check by hand that it lets cloudwatch.amazonaws.com use the key, or run ecr-pull-canary drill',
        details,
      ),
    ];
  }
  return [
    usable
      ? check(
          'topic-key',
          place,
          'pass',
          `${keyArn} lets CloudWatch use it for the alarms' notifications`,
          null,
          details,
        )
      : check(
          'topic-key',
          place,
          'fail',
          `${keyArn}, the key of ${topicArn}, does not let cloudwatch.amazonaws.com use it: every alarm notification is dropped`,
          fix,
          details,
        ),
  ];
}

interface RuleRef {
  kind: string;
  name: string;
  wanted: string;
}

/**
 * The probe's runs and the watch's events from metrics, one GetMetricData per region: per target the runs
 * (SampleCount of Latency, which every run sends, healthy or failed) and failures (Failures by Target, sent only when
 * non-zero) by the minute; per watch rule the events EventBridge matched (AWS/Events TriggeredRules by RuleName) by
 * five minutes. Metrics rather than the probe's log records: GetMetricData costs $0.01 per 1,000 metrics requested and
 * reads no log bytes, where a Logs Insights query is billed per GB scanned and runs asynchronously (StartQuery, then
 * poll), and FilterLogEvents pages through every line of the lookback.
 */
async function metricsChecks(
  reader: StatusReader,
  config: CanaryConfig,
  place: Place,
  targets: string[],
  rules: RuleRef[],
  now: Date,
): Promise<StatusCheck[]> {
  const queries: MetricDataQuery[] = [];
  targets.forEach((target, i) => {
    const dimensions = [{ Name: DIMENSION.target, Value: target }];
    queries.push(
      {
        Id: `runs${i}`,
        MetricStat: {
          Metric: { Namespace: config.namespace, MetricName: METRIC.latency, Dimensions: dimensions },
          Period: 60,
          Stat: 'SampleCount',
        },
      },
      {
        Id: `failures${i}`,
        MetricStat: {
          Metric: { Namespace: config.namespace, MetricName: METRIC.failures, Dimensions: dimensions },
          Period: 60,
          Stat: 'Sum',
        },
      },
    );
  });
  rules.forEach((rule, i) => {
    queries.push({
      Id: `rule${i}`,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Events',
          MetricName: 'TriggeredRules',
          Dimensions: [{ Name: 'RuleName', Value: rule.name }],
        },
        Period: 300,
        Stat: 'Sum',
      },
    });
  });
  const end = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - LOOKBACK_HOURS * 3_600_000);
  const [metrics, ...ruleStates] = await Promise.all([
    reader.metrics(place.region, queries, start, end),
    ...rules.map((rule) => reader.rule(place.region, rule.name)),
  ]);
  const checks: StatusCheck[] = [];
  const series = (id: string): MetricDataResult | undefined =>
    metrics.ok ? metrics.value.find((r) => r.Id === id) : undefined;
  if (!metrics.ok) checks.push(unanswered('runs', place, 'cloudwatch:GetMetricData', metrics));
  else checks.push(...runsChecks(config, place, targets, series, now));
  rules.forEach((rule, i) => {
    const described = ruleStates[i];
    if (!described) return;
    if (!described.ok) {
      checks.push(
        described.name === 'ResourceNotFoundException'
          ? check(
              'watch',
              place,
              'fail',
              `the ${rule.kind} rule ${rule.name} is gone: the workload watch sees nothing`,
              'deploy the stack again (npx cdk deploy)',
              { rule: rule.name },
            )
          : unanswered('watch', place, 'events:DescribeRule', described),
      );
      return;
    }
    const state = described.value.State ?? 'UNKNOWN';
    const triggered = series(`rule${i}`);
    const lastAt = lastNonZero(triggered);
    const last = !metrics.ok
      ? 'last event not read'
      : lastAt === null
        ? `no event matched in the last ${LOOKBACK_HOURS} h`
        : `last event matched ${relativeTime(lastAt, now.getTime())}`;
    const details = {
      rule: rule.name,
      state,
      lastEventAt: lastAt === null ? null : new Date(lastAt).toISOString(),
    };
    if (state === 'DISABLED') {
      checks.push(
        check(
          'watch',
          place,
          'fail',
          `the ${rule.kind} rule ${rule.name} is DISABLED: workload pull failures of this kind are not seen`,
          `aws events enable-rule --name ${rule.name} --region ${place.region}`,
          details,
        ),
      );
    } else if (state !== rule.wanted) {
      checks.push(
        check(
          'watch',
          place,
          'warn',
          `the ${rule.kind} rule ${rule.name} is ${state}, not ${rule.wanted}: read-only ECR calls from CloudTrail do not reach it`,
          'deploy the stack again (npx cdk deploy)',
          details,
        ),
      );
    } else {
      checks.push(
        check(
          'watch',
          place,
          'pass',
          `the ${rule.kind} rule ${rule.name} is ${state}; ${last}`,
          null,
          details,
        ),
      );
    }
  });
  return checks;
}

/** The newest timestamp with a non-zero value (results come newest first), in ms; null when none. */
function lastNonZero(result: MetricDataResult | undefined): number | null {
  const times = result?.Timestamps ?? [];
  const values = result?.Values ?? [];
  let newest: number | null = null;
  times.forEach((t, i) => {
    if ((values[i] ?? 0) > 0 && (newest === null || t.getTime() > newest)) newest = t.getTime();
  });
  return newest;
}

/**
 * Minutes without a run after which the probe counts as stopped: two schedule periods (one run may be late or lost)
 * plus the minutes CloudWatch may take to show a datapoint.
 */
export function overdueMinutes(scheduleMinutes: number): number {
  return 2 * scheduleMinutes + 3;
}

function runsChecks(
  config: CanaryConfig,
  place: Place,
  targets: string[],
  series: (id: string) => MetricDataResult | undefined,
  now: Date,
): StatusCheck[] {
  const perTarget = targets.map((target, i) => {
    const lastRun = lastNonZero(series(`runs${i}`));
    const failures = series(`failures${i}`);
    const failedAtLast =
      lastRun !== null &&
      (failures?.Timestamps ?? []).some(
        (t, j) => t.getTime() === lastRun && (failures?.Values?.[j] ?? 0) > 0,
      );
    return {
      target,
      lastRunAt: lastRun === null ? null : new Date(lastRun).toISOString(),
      failed: failedAtLast,
      lastRun,
    };
  });
  const details = {
    scheduleMinutes: config.scheduleMinutes,
    targets: perTarget.map(({ target, lastRunAt, failed }) => ({
      target,
      lastRunAt,
      verdict: lastRunAt ? (failed ? 'failed' : 'healthy') : null,
    })),
  };
  const runs = perTarget.map((t) => t.lastRun).filter((t): t is number => t !== null);
  const logs = `aws logs tail /ecr-pull-canary/${config.name}/probe --since 1h --region ${place.region}`;
  if (runs.length === 0) {
    return [
      check(
        'runs',
        place,
        'fail',
        `the probe has not run in the last ${LOOKBACK_HOURS} h (no run metric for ${targets.join(', ')})`,
        `check the schedule (above) and read the function's last log lines: ${logs}`,
        details,
      ),
    ];
  }
  const last = Math.max(...runs);
  const minutes = Math.floor((now.getTime() - last) / 60_000);
  if (minutes > overdueMinutes(config.scheduleMinutes)) {
    return [
      check(
        'runs',
        place,
        'fail',
        `the probe has not run for ${minutes} minutes (last run ${new Date(last).toISOString()}; it runs every ${config.scheduleMinutes} min)`,
        `check the schedule (above) and read the function's last log lines: ${logs}`,
        details,
      ),
    ];
  }
  const failed = perTarget.filter((t) => t.failed);
  const verdicts = perTarget
    .map((t) => `${t.target} ${t.lastRun === null ? 'no run' : t.failed ? 'failed' : 'healthy'}`)
    .join(', ');
  return [
    check(
      'runs',
      place,
      failed.length > 0 ? 'warn' : 'pass',
      `last run ${relativeTime(last, now.getTime())}: ${verdicts}`,
      failed.length > 0
        ? `see why with: ecr-pull-canary probe IMAGE (the failing targets' image) from an account like the canary's, or read ${logs}; the alarms page when it keeps failing`
        : null,
      details,
    ),
  ];
}
