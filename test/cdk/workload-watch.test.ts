// The workload watcher as synthesized: its rules' patterns read FROM THE TEMPLATE and evaluated against
// documented events by EventBridge's matching rules (test/support/eventbridge-pattern.ts), the CloudTrail
// rule's state, the function's async settings and least-privilege role, the alarms (OK actions, routing to
// the pager by the SNS filter evaluator), the dashboard row and the configuration.
import { readFileSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { WATCH_ENV } from '../../lambda/engine/model/watch-contract.ts';
import { formatWatchNotification } from '../../lambda/engine/watch/watch-message.ts';
import { parseWorkloadEvent } from '../../lambda/engine/watch/workload-event.ts';
import { matchesPattern, type Pattern } from '../support/eventbridge-pattern.ts';
import { deliversTo, type FilterPolicyScope } from '../support/sns-filter-policy.ts';
import {
  ACCOUNT,
  canaryTemplate,
  functionCodeData,
  logicalIdByPath,
  resourcesOfType,
  synthApp,
} from './helpers.ts';

const REGION = 'eu-west-1';
const FIXTURES = JSON.parse(
  readFileSync(new URL('../fixtures/workload-events.json', import.meta.url), 'utf8'),
).events as Record<string, { expect: string | null; event: Record<string, unknown> }>;
const event = (name: string) => {
  const found = FIXTURES[name];
  if (!found) throw new Error(`no fixture ${name}`);
  return found.event;
};

type Rule = { EventPattern: Pattern; State?: string; Targets: Array<Record<string, unknown>> };

function rules(template: Template): Record<string, Rule> {
  return Object.fromEntries(
    Object.entries(resourcesOfType(template, 'AWS::Events::Rule')).map(([id, r]) => [
      id,
      r.Properties as Rule,
    ]),
  );
}

function ruleAt(template: Template, path: string): Rule {
  const rule = rules(template)[logicalIdByPath(template, path)];
  if (!rule) throw new Error(`no rule at ${path}`);
  return rule;
}

const ALL_ON: CanaryConfigFile = { regions: [REGION], workloadWatch: { ecrApiCalls: true } };

describe('the ECS task rule (workloadWatch.ecsTasks, on by default)', () => {
  const template = canaryTemplate({ regions: [REGION] });
  const rule = ruleAt(template, '/WorkloadWatch/EcsTaskRule/Resource');

  it('matches the documented pull-failure stops: task reason (Fargate), container reason (EC2), registry auth', () => {
    for (const name of [
      'ecs-pull-denied-fargate',
      'ecs-pull-denied-ec2-container-reason',
      'ecs-registry-auth-timeout',
      'ecs-pull-timeout',
    ]) {
      expect(matchesPattern(rule.EventPattern, event(name)), name).toBe(true);
    }
  });

  it('does not match ordinary stops or a running task, so they never invoke anything', () => {
    for (const name of [
      'ecs-essential-container-exited',
      'ecs-scale-in',
      'ecs-user-stopped',
      'ecs-running',
    ]) {
      expect(matchesPattern(rule.EventPattern, event(name)), name).toBe(false);
    }
    // A pull-failure reason on a task that is not (yet) STOPPED does not match either.
    const pending = structuredClone(event('ecs-pull-denied-fargate')) as { detail: Record<string, unknown> };
    pending.detail.lastStatus = 'DEPROVISIONING';
    expect(matchesPattern(rule.EventPattern, pending)).toBe(false);
    for (const name of ['cloudtrail-batchgetimage-denied', 'cloudtrail-getauthorizationtoken-throttled']) {
      expect(matchesPattern(rule.EventPattern, event(name)), name).toBe(false);
    }
  });

  // Fargate starts Secrets Manager / SSM failures of the execution role with the same ResourceInitializationError as
  // its ECR registry-auth failures; only the ECR ones are an ECR pull problem. Reasons as public reports quote them
  // (lambda/engine/model/watch-contract.ts ECS_EVENT lists the sources); the rule evaluated by EventBridge's documented
  // matching (prefix, $or), and the function's own filter behind it.
  describe('ResourceInitializationError: ECR registry auth only, not secrets', () => {
    const stopped = (reason: string) => {
      const copy = structuredClone(event('ecs-registry-auth-timeout')) as { detail: Record<string, unknown> };
      copy.detail.stoppedReason = reason;
      return copy;
    };
    const ecr = [
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-2.amazonaws.com/": dial tcp 10.0.0.1:443: i/o timeout. Please check your task network configuration.',
      'ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. RequestError: send request failed caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp 172.40.1.94:443: i/o timeout',
    ];
    const secrets = [
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-west-2:111122223333:secret:DBPasswordSecret-AbCdEf from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration.',
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:eu-central-1:111122223333:secret:app-secret-EaPYTy from secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400',
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/exec/abc is not authorized to perform: ssm:GetParameters',
    ];

    it('matches the ECR registry-auth forms, and the function counts them', () => {
      for (const reason of ecr) {
        expect(matchesPattern(rule.EventPattern, stopped(reason)), reason).toBe(true);
        expect('failure' in parseWorkloadEvent(stopped(reason)), reason).toBe(true);
      }
    });

    it('never matches a Secrets Manager or SSM failure, and the function ignores one that gets through', () => {
      for (const reason of secrets) {
        expect(matchesPattern(rule.EventPattern, stopped(reason)), reason).toBe(false);
        expect('ignored' in parseWorkloadEvent(stopped(reason)), reason).toBe(true);
      }
    });
  });

  it('is an ordinary enabled rule on the default bus targeting the watcher, with short delivery retries', () => {
    expect(rule.State).toBe('ENABLED');
    expect(rule).not.toHaveProperty('EventBusName');
    expect(rule.Targets).toEqual([
      {
        Arn: {
          'Fn::GetAtt': [logicalIdByPath(template, '/WorkloadWatch/Function/Function/Resource'), 'Arn'],
        },
        Id: 'Target0',
        RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 },
      },
    ]);
  });

  it('every event the rule lets through is one the function handles (same constants on both sides)', () => {
    for (const [name, f] of Object.entries(FIXTURES)) {
      if (!matchesPattern(rule.EventPattern, f.event)) continue;
      expect('failure' in parseWorkloadEvent(f.event), name).toBe(true);
    }
  });

  it('has no CloudTrail rule unless ecrApiCalls is on', () => {
    expect(Object.keys(rules(template))).toHaveLength(1);
  });
});

describe('the ECR API rule (workloadWatch.ecrApiCalls)', () => {
  const template = canaryTemplate(ALL_ON);
  const rule = ruleAt(template, '/WorkloadWatch/EcrApiRule/Resource');

  it('receives read-only management events from CloudTrail (the rule state for them)', () => {
    // EventBridge user guide, "Receiving read-only management events from AWS services".
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  });

  it('matches an errored BatchGetImage and a throttled GetAuthorizationToken, not a successful call', () => {
    expect(matchesPattern(rule.EventPattern, event('cloudtrail-batchgetimage-denied'))).toBe(true);
    expect(matchesPattern(rule.EventPattern, event('cloudtrail-getauthorizationtoken-throttled'))).toBe(true);
    expect(matchesPattern(rule.EventPattern, event('cloudtrail-batchgetimage-ok'))).toBe(false);
    expect(matchesPattern(rule.EventPattern, event('ecs-pull-denied-fargate'))).toBe(false);
    // An errored call of an action it does not watch (a repository listing) does not match.
    const other = structuredClone(event('cloudtrail-batchgetimage-denied')) as {
      detail: Record<string, unknown>;
    };
    other.detail.eventName = 'DescribeRepositories';
    expect(matchesPattern(rule.EventPattern, other)).toBe(false);
  });

  it('can run without the ECS rule', () => {
    const only = canaryTemplate({ regions: [REGION], workloadWatch: { ecsTasks: false, ecrApiCalls: true } });
    expect(Object.values(rules(only)).map((r) => r.State)).toEqual([
      'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    ]);
  });
});

describe('the watcher function', () => {
  const template = canaryTemplate({ regions: [REGION] });

  it('is never retried by Lambda and drops an event that waited over five minutes', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdByPath(template, '/WorkloadWatch/Function/Function/Resource') },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
    });
  });

  it('gets the canary name, namespace, topic, table and dedup window, and the canary target names in its code', () => {
    const watcher = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).find(
      (r) => WATCH_ENV.canaryName in ((r.Properties?.Environment as { Variables?: object })?.Variables ?? {}),
    );
    if (!watcher) throw new Error('no watcher function');
    expect(functionCodeData(template, watcher)).toEqual({ canaryTargets: ['known-good'] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          [WATCH_ENV.canaryName]: 'ecr-pull-canary',
          [WATCH_ENV.namespace]: 'EcrPullCanary',
          [WATCH_ENV.topicArn]: { Ref: logicalIdByPath(template, '/Canary/Notifications/Topic/Resource') },
          [WATCH_ENV.stateTable]: { Ref: logicalIdByPath(template, '/Canary/State/Resource') },
          [WATCH_ENV.dedupHours]: '6',
          [WATCH_ENV.dashboardName]: 'ecr-pull-canary',
        },
      },
      Timeout: 15,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });

  it('may put metrics in its namespace, publish to the topic, read the table and write only its own items', () => {
    const id = logicalIdByPath(template, '/WorkloadWatch/Function/Role/DefaultPolicy/Resource');
    const json = template.toJSON() as {
      Resources: Record<string, { Properties: { PolicyDocument: { Statement: unknown[] } } }>;
    };
    const table = { 'Fn::GetAtt': [logicalIdByPath(template, '/Canary/State/Resource'), 'Arn'] };
    expect(json.Resources[id]?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: {
          'Fn::GetAtt': [logicalIdByPath(template, '/WorkloadWatch/Function/LogGroup/Resource'), 'Arn'],
        },
      },
      {
        Action: 'cloudwatch:PutMetricData',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'EcrPullCanary' } },
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Action: 'sns:Publish',
        Effect: 'Allow',
        Resource: { Ref: logicalIdByPath(template, '/Canary/Notifications/Topic/Resource') },
      },
      { Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: [table] },
      {
        Action: 'dynamodb:PutItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['watch#*'] } },
        Effect: 'Allow',
        Resource: table,
      },
    ]);
  });

  it('may use the key of an encrypted topic to publish, like the probe', () => {
    const encrypted = canaryTemplate({ regions: [REGION], notifications: { encryption: true } });
    const id = logicalIdByPath(encrypted, '/WorkloadWatch/Function/Role/DefaultPolicy/Resource');
    const json = encrypted.toJSON() as {
      Resources: Record<string, { Properties: { PolicyDocument: { Statement: unknown[] } } }>;
    };
    expect(json.Resources[id]?.Properties.PolicyDocument.Statement).toContainEqual({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [logicalIdByPath(encrypted, '/Canary/Notifications/Key/Resource'), 'Arn'] },
    });
  });
});

describe('the watcher alarms', () => {
  const PAGER = 'https://events.pagerduty.com/integration/0123456789abcdef/enqueue';
  const template = canaryTemplate({
    regions: [REGION],
    notifications: { httpsEndpoints: [PAGER], emails: ['oncall@example.com'] },
  });
  const topic = { Ref: logicalIdByPath(template, '/Canary/Notifications/Topic/Resource') };

  it.each([
    ['workload-auth-critical', 'WorkloadAuthFailures', Match.absent()],
    ['workload-throttle-critical', 'WorkloadPullFailures', [{ Name: 'Category', Value: 'throttle' }]],
  ])(
    '%s: sparse metric, 2 of 3, missing data not breaching, alarm and OK actions, runbooks',
    (suffix, metric, dimensions) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `ecr-pull-canary-${REGION}-${suffix}`,
        MetricName: metric,
        Namespace: 'EcrPullCanary',
        Dimensions: dimensions,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
        OKActions: [topic],
        AlarmDescription: Match.stringLikeRegexp(
          suffix.includes('auth') ? 'Runbook - No usable AWS credentials' : 'Runbook - ECR throttling',
        ),
      });
    },
  );

  it('pages through the pager filter, while the watcher notifications reach e-mail only', () => {
    const subscriptions = Object.values(resourcesOfType(template, 'AWS::SNS::Subscription')).map(
      (s) => s.Properties ?? {},
    );
    const filterOf = (protocol: string) => {
      const p = subscriptions.find((s) => s.Protocol === protocol) ?? {};
      return {
        filterPolicy: p.FilterPolicy,
        filterPolicyScope: p.FilterPolicyScope as FilterPolicyScope | undefined,
      };
    };
    const alarmBody = (name: string, state: string) => ({
      message: JSON.stringify({
        AlarmName: name,
        NewStateValue: state,
        OldStateValue: state === 'OK' ? 'ALARM' : 'OK',
      }),
      attributes: {},
    });
    for (const suffix of ['workload-auth-critical', 'workload-throttle-critical']) {
      for (const state of ['ALARM', 'OK']) {
        expect(
          deliversTo(filterOf('https'), alarmBody(`ecr-pull-canary-${REGION}-${suffix}`, state)),
          `${suffix} ${state}`,
        ).toBe(true);
      }
    }
    const parsed = parseWorkloadEvent(event('ecs-pull-denied-fargate'));
    if (!('failure' in parsed)) throw new Error('fixture not handled');
    const n = formatWatchNotification(
      parsed.failure,
      { status: 'ok', targets: ['known-good'] },
      {
        canaryName: 'ecr-pull-canary',
        region: REGION,
        dashboardUrl: null,
        logsUrl: null,
      },
    );
    const published = {
      message: n.message,
      attributes: Object.fromEntries(
        Object.entries(n.attributes).map(([k, v]) => [k, { dataType: 'String', stringValue: v }]),
      ),
    };
    expect(deliversTo(filterOf('https'), published)).toBe(false);
    expect(deliversTo(filterOf('email'), published)).toBe(true);
  });
});

describe('configuration', () => {
  it('turns the watcher off entirely when both parts are off', () => {
    const template = canaryTemplate({ regions: [REGION], workloadWatch: { ecsTasks: false } });
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(JSON.stringify(template.toJSON())).not.toContain('workload-');
  });

  it('names the field, the value and what is allowed', () => {
    expect(
      validateConfig({ regions: [REGION], workloadWatch: { ecsTask: true, ecrApiCalls: 'yes' } }).problems,
    ).toEqual([
      'workloadWatch.ecsTask: got true; unknown key (did you mean "ecsTasks"?); allowed keys: ecsTasks, ecrApiCalls, eks',
      'workloadWatch.ecrApiCalls: got "yes"; allowed: true or false',
    ]);
    expect(validateConfig({ regions: [REGION], workloadWatch: true }).problems).toEqual([
      'workloadWatch: got true; allowed: an object with ecsTasks, ecrApiCalls, eks',
    ]);
  });
});

describe('the dashboard', () => {
  it('has a row per region with workload failures by category beside the canary verdicts and the watcher alarms', () => {
    const { dashboard } = synthApp({ regions: [REGION, 'us-east-1'] });
    if (!dashboard) throw new Error('no dashboard stack');
    const body = JSON.stringify(Template.fromStack(dashboard).toJSON());
    for (const region of [REGION, 'us-east-1']) {
      expect(body).toContain(`Workload pull failures by category (${region})`);
      expect(body).toContain(`Canary verdict beside them: success rate (${region})`);
      expect(body).toContain(
        `:cloudwatch:${region}:${ACCOUNT}:alarm:ecr-pull-canary-${region}-workload-auth-critical`,
      );
    }
    expect(body).toContain('WorkloadPullFailures');
  });

  it('has no watcher row when the watcher is off', () => {
    const { dashboard } = synthApp({ regions: [REGION], workloadWatch: { ecsTasks: false } });
    if (!dashboard) throw new Error('no dashboard stack');
    expect(JSON.stringify(Template.fromStack(dashboard).toJSON())).not.toContain('Workload pull failures');
  });
});
