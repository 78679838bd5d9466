import {
  dashboardNameIsGlobal,
  deleteFailedNote,
  deleteStackCommand,
  firstRegion,
  scanNotes,
  scanStacks,
  stackByName,
  strayStackLookups,
} from '../../engine/aws/stack-scan.ts';
import { dashboardStackName } from '../../engine/model/deployment.ts';
import { type CheckContext, call, check, type PreflightCheck, READ_PERMISSIONS_LINK } from './check.ts';
import type { CanaryConfig } from './config.ts';

/**
 * A stack status whose stack holds no resource, so no dashboard: a creation rolled back (CloudFormation deletes
 * what it had created), a change set never executed
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html, stack status
 * codes). Such a stack in another region does not stop the deploy; status lists it as left over.
 */
const HOLDS_NOTHING = new Set(['ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS']);

/**
 * The dashboard stack where the configuration no longer puts it. The app deploys `<name>-dashboard` in the first
 * configured region, with a dashboard named after the canary; CloudWatch dashboard names are global to the account
 * ("All dashboards in your account are global, not region-specific":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html). When `regions` is
 * reordered, or its first region removed, `cdk deploy --all` creates a second `<name>-dashboard` stack in the new
 * first region, and its dashboard fails ("already exists") while the old stack holds the name. The scan is status's
 * (lambda/engine/aws/stack-scan.ts), its dashboard lookups only: every region of the partition but the first, so an
 * old first region already removed from `regions` is found too.
 */
export async function dashboardCheck(
  ctx: CheckContext,
  config: CanaryConfig,
  account: string,
): Promise<PreflightCheck> {
  const first = firstRegion(config);
  const place = { account, region: first };
  const stackName = dashboardStackName(config.name);
  const { partition, lookups } = strayStackLookups(config);
  const dashboards = lookups.filter((l) => l.kind === 'dashboard');
  const scan = await scanStacks(
    dashboards,
    (region, name) => stackByName((run) => call(ctx, run), ctx.clients.cloudformation(region), name),
    config.name,
  );
  const empty = scan.found.filter((f) => HOLDS_NOTHING.has(f.stack.StackStatus ?? ''));
  const holding = scan.found.filter((f) => !empty.includes(f));
  const configured = new Set(config.regions.map((r) => r.region));
  const notes = [
    ...empty.map(
      (f) =>
        `${stackName} in ${f.region} (${f.stack.StackStatus}) holds no dashboard, so it does not stop the deploy (status lists it to delete)`,
    ),
    ...scanNotes(scan, config.name),
  ];
  const details = {
    stackName,
    partition,
    looked: dashboards.map((l) => l.region),
    found: scan.found.map((f) => ({ region: f.region, stackStatus: f.stack.StackStatus ?? null })),
    notEnabled: [...scan.notEnabled],
    closedByPolicy: [...scan.closedByPolicy],
    denied: [...scan.denied.keys()],
    unanswered: [...scan.unanswered.keys()],
    foreign: scan.foreign,
  };
  const withNotes = (saw: string) => [saw, ...notes].join('; ');
  if (holding.length > 0) {
    const where = holding.map((f) => `${f.region} (${f.stack.StackStatus ?? 'UNKNOWN'})`).join(' and ');
    const deletes = holding.map((f) => {
      const status = f.stack.StackStatus ?? '';
      if (status === 'DELETE_IN_PROGRESS')
        return `wait for its delete to finish: aws cloudformation wait stack-delete-complete --stack-name ${stackName} --region ${f.region}`;
      return `${deleteStackCommand(stackName, f.region)}${deleteFailedNote(status, stackName, f.region)}`;
    });
    const [only] = holding;
    const reorder =
      holding.length === 1 && only
        ? configured.has(only.region)
          ? `; or put ${only.region} first in regions, where the dashboard is`
          : `; or add ${only.region} back to regions, first, where the dashboard is`
        : '';
    return check(
      'dashboard',
      place,
      'fail',
      withNotes(
        `${stackName} is deployed in ${where}, but the configuration now puts the dashboard in ${first}, the first of regions: cdk deploy would create a second ${stackName} there, and its dashboard "${config.name}" would fail as already existing`,
      ),
      `delete the old stack first (it deletes the dashboard; the deploy then makes it in ${first}): ${deletes.join('; ')}${reorder}. ${dashboardNameIsGlobal(first)}`,
      { ...details, delete: holding.map((f) => deleteStackCommand(stackName, f.region)) },
    );
  }
  const looked = `looked for ${stackName} in the ${dashboards.length} regions of the ${partition} partition but ${first}, where the configuration puts it: ${
    scan.denied.size || scan.unanswered.size ? 'none found where it could look' : 'none'
  }`;
  if (scan.denied.size || scan.unanswered.size) {
    const [denied] = scan.denied.keys();
    return check(
      'dashboard',
      place,
      'warn',
      withNotes(looked),
      [
        ...(denied
          ? [
              `let the deployer call cloudformation:DescribeStacks in every region (${READ_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stacks --stack-name ${stackName} --region ${denied}`,
            ]
          : []),
        ...(scan.unanswered.size
          ? ["check the path to those regions' CloudFormation endpoints and run preflight again"]
          : []),
      ].join('; '),
      details,
    );
  }
  return check('dashboard', place, 'pass', withNotes(looked), null, details);
}
