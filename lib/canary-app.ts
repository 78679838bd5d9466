import { type App, Duration, Tags } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { CanaryConfig, RegionConfig } from '../lambda/engine/config/schema.ts';
import { writtenConfiguration } from '../lambda/engine/config/validate.ts';
import {
  canaryStackName,
  configurationHash,
  dashboardStackName,
  STACK_TAG,
  writtenConfigurationHash,
} from '../lambda/engine/model/deployment.ts';
import { CanaryStack, type CanaryStackProps } from './canary-stack.ts';
import { DashboardStack } from './dashboard-stack.ts';
import { canaryLabel } from './description.ts';
import { TOOL_VERSION } from './tool-version.ts';

export interface CanaryAppStacks {
  canaries: CanaryStack[];
  dashboard?: DashboardStack;
}

export interface BuildOptions {
  /** Account when the configuration names none, e.g. CDK_DEFAULT_ACCOUNT. @default - environment-agnostic */
  defaultAccount?: string;
}

export { canaryStackName, dashboardStackName };

/**
 * The app's stacks from a validated configuration: one canary stack per region and, when enabled, one
 * dashboard stack. The dashboard stack lives in the first configured region: dashboards are global, so any
 * region shows them all, and the first one is a region the user has already bootstrapped.
 */
export function buildCanaryApp(app: App, config: CanaryConfig, options: BuildOptions = {}): CanaryAppStacks {
  const account = config.account ?? options.defaultAccount;
  const dashboardName = config.name;
  const written = writtenConfiguration(config);
  const canaries = config.regions.map(
    (region) =>
      new CanaryStack(app, canaryStackName(config.name, region.region), {
        env: { account, region: region.region },
        description: `${canaryLabel(config.name)}: ECR pull canary in ${region.region}`,
        ...canaryStackProps(config, region),
        configurationHash: configurationHash(config, region.region),
        ...(written ? { writtenConfigurationHash: writtenConfigurationHash(written, region.region) } : {}),
        toolVersion: TOOL_VERSION,
      }),
  );
  const first = config.regions[0];
  const dashboard =
    config.dashboard && first
      ? new DashboardStack(app, dashboardStackName(config.name), {
          env: { account, region: first.region },
          description: `${canaryLabel(config.name)}: one dashboard for all regions`,
          dashboardName,
          canaries: canaries.map((stack) => stack.canary),
          workloadWatches: canaries.flatMap((stack) => (stack.workloadWatch ? [stack.workloadWatch] : [])),
          imageInventories: canaries.flatMap((stack) => (stack.imageInventory ? [stack.imageInventory] : [])),
        })
      : undefined;
  for (const stack of [...canaries, ...(dashboard ? [dashboard] : [])]) {
    Tags.of(stack).add(STACK_TAG, config.name);
  }
  return { canaries, ...(dashboard ? { dashboard } : {}) };
}

/**
 * One region's canary and workload watch from the configuration: the one-account app and the organization's
 * StackSet member template (lib/organization/) build the same stack from it.
 */
export function canaryStackProps(
  config: CanaryConfig,
  region: RegionConfig,
): Pick<CanaryStackProps, 'canary' | 'workloadWatch' | 'imageInventory'> {
  const dashboardName = config.name;
  return {
    canary: {
      canaryName: config.name,
      targets: region.targets,
      knownGoodImage: config.knownGoodImage,
      schedule: Duration.minutes(config.scheduleMinutes),
      namespace: config.namespace,
      memorySize: config.memoryMiB,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      ...(region.vpc ? { vpcPlacement: region.vpc } : {}),
      notifications: region.notifications,
      alarms: config.alarms,
      reminderHours: config.reminderHours,
      ...(config.dashboard ? { dashboardName } : {}),
    },
    workloadWatch: {
      ...config.workloadWatch,
      eks: region.eks,
      dedupHours: config.reminderHours,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      ...(config.dashboard ? { dashboardName } : {}),
    },
    imageInventory: config.imageInventory.enabled
      ? {
          schedule: Duration.minutes(config.imageInventory.scheduleMinutes),
          horizonDays: config.imageInventory.horizonDays,
          reminderHours: config.reminderHours,
          logRetention: config.logRetentionDays as logs.RetentionDays,
        }
      : null,
  };
}
