import { type App, Tags } from 'aws-cdk-lib';
import type { CanaryConfig, OrganizationConfig } from '../../lambda/engine/config/schema.ts';
import { STACK_TAG } from '../../lambda/engine/model/deployment.ts';
import { canaryStackProps } from '../canary-app.ts';
import { canaryLabel } from '../description.ts';
import { AssetStack } from './asset-stack.ts';
import { MonitoringStack } from './monitoring-stack.ts';
import { assetBucketName, assetStackName, monitoringStackName, organizationStackName } from './naming.ts';
import { OrganizationStack } from './organization-stack.ts';

export interface OrganizationAppStacks {
  /** The StackSet, in the management (or delegated-administrator) account and the first region. */
  organization: OrganizationStack;
  /** The code bucket of each region, in the same account. */
  assets: AssetStack[];
  /** The sink of each region in the monitoring account; the first also holds the dashboard. */
  monitoring: MonitoringStack[];
}

/**
 * The app of a configuration with `organization`: deploy the management account's stacks
 * (`cdk deploy '<name>-org*'`) with its credentials, and the monitoring account's (`cdk deploy
 * '<name>-monitoring-*'`) with that account's.
 */
export function buildOrganizationApp(
  app: App,
  config: CanaryConfig & { organization: OrganizationConfig },
): OrganizationAppStacks {
  const org = config.organization;
  const regions = config.regions.map((region) => region.region);
  const [first] = config.regions;
  if (!first) throw new Error('An organization rollout needs at least one region.');
  const organization = new OrganizationStack(app, organizationStackName(config.name), {
    env: { account: org.managementAccount, region: first.region },
    description: `${canaryLabel(config.name)}: the StackSet that deploys the canary across the organization`,
    canaryName: config.name,
    organization: org,
    regions,
    member: {
      description: `${canaryLabel(config.name)}: ECR pull canary (StackSet member)`,
      // Each member's own topic: no dashboard link to a dashboard that is not in the member's account.
      ...canaryStackProps({ ...config, dashboard: false }, first),
    },
  });
  const assets = regions.map((region) => {
    const stack = new AssetStack(app, assetStackName(config.name, region), {
      env: { account: org.managementAccount, region },
      description: `${canaryLabel(config.name)}: canary code that the organization's accounts in ${region} deploy from`,
      bucketName: assetBucketName(config.name, org.managementAccount, region),
      organizationId: org.organizationId,
      assets: organization.memberSynthesizer.assets,
    });
    for (const [hash, key] of stack.objectKeys) organization.memberSynthesizer.setObjectKey(hash, key);
    organization.addStackDependency(stack, 'the member template reads its code from the code buckets');
    return stack;
  });
  const monitoring = org.monitoringAccount
    ? regions.map(
        (region, i) =>
          new MonitoringStack(app, monitoringStackName(config.name, region), {
            env: { account: org.monitoringAccount, region },
            description: `${canaryLabel(config.name)}: cross-account view of the canary in ${region}`,
            canaryName: config.name,
            organizationId: org.organizationId,
            namespace: config.namespace,
            scheduleMinutes: config.scheduleMinutes,
            ...(i === 0 && config.dashboard ? { dashboard: { regions, accounts: org.accounts } } : {}),
          }),
      )
    : [];
  for (const stack of [organization, ...assets, ...monitoring]) Tags.of(stack).add(STACK_TAG, config.name);
  return { organization, assets, monitoring };
}
