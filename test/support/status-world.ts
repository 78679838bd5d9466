// A deployed canary as `cdk deploy` of a configuration leaves it, healthy, for the status and drill tests and the
// status benchmark: per region its stack (with the Outputs lib/canary-stack.ts writes and the configuration's hash),
// its schedule, watch rules, alarms, runs every few minutes, and a topic with an e-mail and a pager subscription.

import type { CanaryConfig } from '../../lambda/engine/config/schema.ts';
import { writtenConfiguration } from '../../lambda/engine/config/validate.ts';
import {
  canaryStackName,
  configurationHash,
  STACK_OUTPUTS,
  STACK_TAG,
  writtenConfigurationHash,
} from '../../lambda/engine/model/deployment.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../../lambda/engine/model/seed-contract.ts';
import { resolveTarget } from '../../lambda/engine/model/target.ts';
import { TOOL_VERSION } from '../../lib/tool-version.ts';
import { type DeploymentState, emptyDeployment } from './deployment-double.ts';
import { emptyAccount, type PreflightState } from './preflight-double.ts';

/** The names CloudFormation generates for the schedule and the rules (any will do: status reads them from Outputs). */
export const SCHEDULE = 'pullcanaryeuwest1-CanarySchedule-1A2B3C4D5E6F';
export const ECS_RULE = 'pullcanary-WorkloadWatchEcsTaskRule-0A1B2C';
export const ECR_RULE = 'pullcanary-WorkloadWatchEcrApiRule-3D4E5F';
/** The alarm name kinds each region gets (lambda/engine/config/alarm-naming.ts), enough to judge; not every one the app makes. */
export const ALARM_KINDS = ['auth', 'throttle', 'availability', 'heartbeat', 'latency-api', 'workload-auth'];

export function topicArn(config: CanaryConfig, account: string, region: string): string {
  return `arn:aws:sns:${region}:${account}:${config.name}-alarms`;
}

export interface WorldOptions {
  config: CanaryConfig;
  account: string;
  /** The minute the runs are counted back from. */
  now: Date;
  /** The pager URL subscribed besides the configuration's e-mail addresses. */
  pager: string;
}

export function canaryWorld({ config, account, now, pager }: WorldOptions): PreflightState {
  const minutesAgo = (m: number) => new Date(Math.floor(now.getTime() / 60_000) * 60_000 - m * 60_000);
  const deployment: DeploymentState = emptyDeployment();
  const regions = config.regions.map((r) => r.region);
  const written = writtenConfiguration(config);
  for (const region of regions) {
    const topic = topicArn(config, account, region);
    deployment.stacks.push({
      region,
      name: canaryStackName(config.name, region),
      status: 'UPDATE_COMPLETE',
      outputs: {
        [STACK_OUTPUTS.configurationHash]: configurationHash(config, region),
        ...(written
          ? { [STACK_OUTPUTS.writtenConfigurationHash]: writtenConfigurationHash(written, region) }
          : {}),
        [STACK_OUTPUTS.toolVersion]: TOOL_VERSION,
        [STACK_OUTPUTS.scheduleName]: SCHEDULE,
        [STACK_OUTPUTS.topicArn]: topic,
        [STACK_OUTPUTS.ecsRuleName]: ECS_RULE,
        [STACK_OUTPUTS.ecrApiRuleName]: ECR_RULE,
      },
      tags: { [STACK_TAG]: config.name },
    });
    deployment.schedules.push({
      region,
      name: SCHEDULE,
      state: 'ENABLED',
      expression: `rate(${config.scheduleMinutes} minutes)`,
    });
    deployment.rules.push(
      { region, name: ECS_RULE, state: 'ENABLED' },
      { region, name: ECR_RULE, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' },
    );
    for (const kind of ALARM_KINDS) {
      deployment.alarms.push({
        region,
        name: `${config.name}-${region}-${kind}-critical`,
        state: 'OK',
        updated: minutesAgo(600),
        actionsEnabled: true,
        alarmActions: [topic],
        okActions: [topic],
        history: [],
      });
    }
    const targets = [
      ...(config.knownGoodImage ? [KNOWN_GOOD_TARGET_NAME] : []),
      ...(config.regions.find((r) => r.region === region)?.targets ?? []).map(
        (t) => resolveTarget(t, region).name,
      ),
    ];
    for (const target of targets) {
      deployment.metrics.push({
        region,
        namespace: config.namespace,
        name: 'Latency',
        dimensions: { Target: target },
        points: [2, 2 + config.scheduleMinutes, 2 + 2 * config.scheduleMinutes].map((m) => ({
          at: minutesAgo(m),
          value: 420,
        })),
      });
    }
    deployment.metrics.push({
      region,
      namespace: 'AWS/Events',
      name: 'TriggeredRules',
      dimensions: { RuleName: ECS_RULE },
      points: [{ at: minutesAgo(185), value: 1 }],
    });
  }
  return {
    ...emptyAccount(account, regions),
    topics: regions.map((region) => ({
      arn: topicArn(config, account, region),
      subscriptions: [
        ...(config.regions.find((r) => r.region === region)?.notifications.emails ?? []).map((endpoint) => ({
          protocol: 'email',
          endpoint,
        })),
        { protocol: 'https', endpoint: pager },
      ],
    })),
    deployment,
  };
}
