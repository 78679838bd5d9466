import {
  dashboardNameIsGlobal,
  deleteFailedNote,
  deleteStackCommand,
  type FoundStack,
  firstRegion,
  scanNotes,
  scanStacks,
  strayStackLookups,
} from '../../engine/aws/stack-scan.ts';
import type { CanaryConfig } from '../../engine/config/schema.ts';
import {
  monitoringStackName,
  organizationDashboardName,
  organizationStackName,
  stackSetName,
} from '../../engine/model/deployment.ts';
import { check, STATUS_PERMISSIONS_LINK, type StatusCheck } from './check.ts';
import type { StatusReader } from './read.ts';

/**
 * Stacks this canary left behind: a canary stack in a region the configuration no longer names, and a dashboard
 * stack the configuration turned off or moved (it lives in the first region); with `organization`, the account's
 * own part of the rollout: a sink stack or a code bucket stack in a region no longer named, a sink stack that still
 * holds the dashboard the first region's should, the StackSet stack in another region than the first. The app no
 * longer has them to update or destroy, so nothing else says they are there. The scan (its lookups, whose stack it
 * is, which regions are skipped) is the engine's (lambda/engine/aws/stack-scan.ts), shared with preflight's
 * dashboard check.
 */

/** The leftover lines: one per stack found (warn, with its fix), and one that sums up the scan. */
export async function leftoverChecks(
  reader: StatusReader,
  config: CanaryConfig,
  account: string,
): Promise<StatusCheck[]> {
  const { partition, regions, lookups } = strayStackLookups(config, account, reader.scanRegions);
  const configured = new Set(config.regions.map((r) => r.region));
  const scan = await scanStacks(
    lookups,
    (region, name) => reader.stack(region, name),
    config.name,
    (region, name) => reader.resources(region, name),
  );
  const { denied, unanswered, resourcesUnread } = scan;
  // A configured region's sink stack is expected; it is a find only while it holds the dashboard.
  const found = scan.found.filter(
    (f) => !(f.kind === 'monitoring' && configured.has(f.region) && f.holdsDashboard !== true),
  );
  const deleting = found.filter((f) => f.stack.StackStatus === 'DELETE_IN_PROGRESS');
  const left = found.filter((f) => !deleting.includes(f));
  const lines = left.map((f) => leftoverLine(config, account, configured, f));
  const parts = [
    `looked for this canary's stacks where the configuration puts none, in ${regions.length} regions of the ${partition} partition: ${
      left.length === 0 ? 'none left over' : `${left.length} left over (below)`
    }`,
    ...(deleting.length
      ? [`being deleted: ${deleting.map((f) => `${f.stackName} in ${f.region}`).join(', ')}`]
      : []),
    ...scanNotes(scan, config.name),
  ];
  const [deniedRegion] = denied.keys();
  const deniedLookup = lookups.find((l) => l.region === deniedRegion);
  const fixes = [
    ...(deniedLookup
      ? [
          `allow cloudformation:DescribeStacks in every region to these credentials (${STATUS_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stacks --stack-name ${deniedLookup.stackName} --region ${deniedLookup.region}`,
        ]
      : []),
    ...(resourcesUnread.size
      ? [
          `allow cloudformation:DescribeStackResources to these credentials (${STATUS_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stack-resources --stack-name ${monitoringStackName(config.name, [...resourcesUnread.keys()][0] ?? '')} --region ${[...resourcesUnread.keys()][0]}`,
        ]
      : []),
    ...(unanswered.size
      ? ["check the path to those regions' CloudFormation endpoints and run status again"]
      : []),
  ];
  const summary = check(
    'leftover',
    null,
    left.length > 0 || denied.size > 0 || unanswered.size > 0 || resourcesUnread.size > 0 ? 'warn' : 'pass',
    parts.join('; '),
    fixes.length ? fixes.join('; ') : null,
    {
      partition,
      regions,
      found: found.map((f) => ({
        stackName: f.stackName,
        region: f.region,
        kind: f.kind,
        stackStatus: f.stack.StackStatus ?? null,
        ...(f.holdsDashboard === undefined ? {} : { holdsDashboard: f.holdsDashboard }),
      })),
      notEnabled: [...scan.notEnabled],
      closedByPolicy: [...scan.closedByPolicy],
      denied: [...denied.keys()],
      unanswered: [...unanswered.keys()],
      resourcesUnread: [...resourcesUnread.keys()],
      foreign: scan.foreign,
    },
  );
  return [summary, ...lines];
}

function leftoverLine(
  config: CanaryConfig,
  account: string,
  configured: ReadonlySet<string>,
  { region, kind, stackName, stack, holdsDashboard }: FoundStack,
): StatusCheck {
  const first = firstRegion(config);
  const status = stack.StackStatus ?? 'UNKNOWN';
  const place = { account, region };
  const del = deleteStackCommand(stackName, region);
  const details = {
    stackName,
    kind,
    stackStatus: status,
    delete: del,
    ...(holdsDashboard === undefined ? {} : { holdsDashboard }),
  };
  const failedDelete = deleteFailedNote(status, stackName, region);
  const line = (saw: string, fix: string) => check('leftover', place, 'warn', saw, fix, details);
  const removed = `${stackName} is still deployed in ${region} (${status}), a region the configuration no longer names`;
  switch (kind) {
    case 'canary':
      return line(
        `${removed}: its probe still runs, its alarms can still page, and it still costs`,
        `if ${region} was removed on purpose, delete the stack: ${del}${failedDelete}; else add ${region} back to regions`,
      );
    case 'dashboard':
      if (!config.dashboard) {
        return line(
          `${stackName} is still deployed in ${region} (${status}), but the configuration has "dashboard": false: the dashboard is still there and still costs`,
          `delete the stack: ${del}${failedDelete}`,
        );
      }
      return line(
        `${stackName} is deployed in ${region} (${status}), but the dashboard now belongs in ${first}, the first of regions`,
        `delete it first: ${del}${failedDelete}; then npx cdk deploy ${stackName}. ${dashboardNameIsGlobal(first)}`,
      );
    case 'monitoring': {
      const dashboard = organizationDashboardName(config.name);
      const firstStack = monitoringStackName(config.name, first);
      const belongs = config.dashboard
        ? `, which the configuration now puts in ${firstStack}, in ${first}, the first of regions`
        : ', which the configuration turned off ("dashboard": false)';
      const moveAfter =
        holdsDashboard && config.dashboard
          ? `; then npx cdk deploy ${firstStack} (with this configuration) creates the dashboard there. ${dashboardNameIsGlobal(first)}`
          : '';
      if (configured.has(region)) {
        return line(
          `${stackName} (${status}) still holds the dashboard ${dashboard}${belongs}`,
          `deploy this stack first, alone, with this configuration (its template no longer has the dashboard, so the update deletes it): npx cdk deploy ${stackName}${moveAfter}`,
        );
      }
      return line(
        `${removed}${holdsDashboard ? `, and it holds the dashboard ${dashboard}${belongs}` : ''}: its sink still takes links`,
        `if ${region} was removed on purpose, delete it once no member account in ${region} links to its sink (a sink with links cannot be deleted: deploy ${organizationStackName(config.name)} from the StackSet's account first, which removes the StackSet's instances in ${region}): ${del}${failedDelete}${moveAfter}; else add ${region} back to regions`,
      );
    }
    case 'assets':
      return line(
        `${removed}: its code bucket still holds the member code`,
        `if ${region} was removed on purpose, delete it (its bucket is emptied and removed with it) after deploying ${organizationStackName(config.name)}, which removes the StackSet's instances in ${region}: ${del}${failedDelete}; else add ${region} back to regions`,
      );
    case 'stackset':
      return line(
        `${stackName} is deployed in ${region} (${status}), but the configuration now puts it in ${first}, the first of regions: a deploy would create a second StackSet ${stackSetName(config.name)} there, deploying this canary's stacks a second time to every member account and region`,
        `put ${region} first in regions again. To move the StackSet, delete this stack first (it deletes the StackSet and every member's canary): ${del}${failedDelete}; then deploy`,
      );
  }
}
