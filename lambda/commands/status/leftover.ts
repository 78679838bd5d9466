import type { Stack } from '@aws-sdk/client-cloudformation';
import {
  dashboardNameIsGlobal,
  deleteFailedNote,
  deleteStackCommand,
  firstRegion,
  type StackLookup,
  scanNotes,
  scanStacks,
  strayStackLookups,
} from '../../engine/aws/stack-scan.ts';
import type { CanaryConfig } from '../../engine/config/schema.ts';
import { canaryStackName } from '../../engine/model/deployment.ts';
import { check, STATUS_PERMISSIONS_LINK, type StatusCheck } from './check.ts';
import type { StatusReader } from './read.ts';

/**
 * Stacks this canary left behind: a canary stack in a region the configuration no longer names, and a dashboard
 * stack the configuration turned off or moved (it lives in the first region). The app no longer has them to update
 * or destroy, so nothing else says they still probe, page and cost. The scan (its lookups, whose stack it is, which
 * regions are skipped) is the engine's (lambda/engine/aws/stack-scan.ts), shared with preflight's dashboard check.
 */

/** The leftover lines: one per stack found (warn, with its delete command), and one that sums up the scan. */
export async function leftoverChecks(
  reader: StatusReader,
  config: CanaryConfig,
  account: string,
): Promise<StatusCheck[]> {
  const first = firstRegion(config);
  const { partition, regions, lookups } = strayStackLookups(config);
  const scan = await scanStacks(lookups, (region, name) => reader.stack(region, name), config.name);
  const { found, denied, unanswered } = scan;
  const deleting = found.filter((f) => f.stack.StackStatus === 'DELETE_IN_PROGRESS');
  const left = found.filter((f) => !deleting.includes(f));
  const lines = left.map((f) => leftoverLine(config, first, account, f));
  const parts = [
    `looked for this canary's stacks where the configuration puts none, in ${regions.length} regions of the ${partition} partition: ${
      left.length === 0 ? 'none left over' : `${left.length} left over (below)`
    }`,
    ...(deleting.length
      ? [`being deleted: ${deleting.map((f) => `${f.stackName} in ${f.region}`).join(', ')}`]
      : []),
    ...scanNotes(scan, config.name),
  ];
  const fixes = [
    ...(denied.size
      ? [
          `allow cloudformation:DescribeStacks in every region to these credentials (${STATUS_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stacks --stack-name ${canaryStackName(config.name, [...denied.keys()][0] ?? first)} --region ${[...denied.keys()][0]}`,
        ]
      : []),
    ...(unanswered.size
      ? ["check the path to those regions' CloudFormation endpoints and run status again"]
      : []),
  ];
  const summary = check(
    'leftover',
    null,
    left.length > 0 || denied.size > 0 || unanswered.size > 0 ? 'warn' : 'pass',
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
      })),
      notEnabled: [...scan.notEnabled],
      closedByPolicy: [...scan.closedByPolicy],
      denied: [...denied.keys()],
      unanswered: [...unanswered.keys()],
      foreign: scan.foreign,
    },
  );
  return [summary, ...lines];
}

function leftoverLine(
  config: CanaryConfig,
  first: string,
  account: string,
  { region, kind, stackName, stack }: StackLookup & { stack: Stack },
): StatusCheck {
  const status = stack.StackStatus ?? 'UNKNOWN';
  const place = { account, region };
  const details = { stackName, kind, stackStatus: status, delete: deleteStackCommand(stackName, region) };
  const failedDelete = deleteFailedNote(status, stackName, region);
  if (kind === 'canary') {
    return check(
      'leftover',
      place,
      'warn',
      `${stackName} is still deployed in ${region} (${status}), a region the configuration no longer names: its probe still runs, its alarms can still page, and it still costs`,
      `if ${region} was removed on purpose, delete the stack: ${deleteStackCommand(stackName, region)}${failedDelete}; else add ${region} back to regions`,
      details,
    );
  }
  if (!config.dashboard) {
    return check(
      'leftover',
      place,
      'warn',
      `${stackName} is still deployed in ${region} (${status}), but the configuration has "dashboard": false: the dashboard is still there and still costs`,
      `delete the stack: ${deleteStackCommand(stackName, region)}${failedDelete}`,
      details,
    );
  }
  return check(
    'leftover',
    place,
    'warn',
    `${stackName} is deployed in ${region} (${status}), but the dashboard now belongs in ${first}, the first of regions`,
    `delete it first: ${deleteStackCommand(stackName, region)}${failedDelete}; then npx cdk deploy ${stackName}. ${dashboardNameIsGlobal(first)}`,
    details,
  );
}
