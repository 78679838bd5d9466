import {
  dashboardNameIsGlobal,
  deleteFailedNote,
  deleteStackCommand,
  firstRegion,
  scanNotes,
  scanStacks,
  stackByName,
  stackResources,
  strayStackLookups,
} from '../../engine/aws/stack-scan.ts';
import {
  dashboardStackName,
  monitoringStackName,
  organizationDashboardName,
  organizationStackName,
} from '../../engine/model/deployment.ts';
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
 * The dashboard where the configuration no longer puts it. CloudWatch dashboard names are global to the account
 * ("All dashboards in your account are global, not region-specific":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html), and a CloudFormation create
 * of a dashboard whose name is taken fails ("already exists"). The scan is status's (lambda/engine/aws/stack-scan.ts):
 * every region of the partition but the first, so an old first region already removed from `regions` is found too.
 *
 * One account: the app deploys `<name>-dashboard` in the first configured region, with a dashboard named after the
 * canary. When `regions` is reordered, or its first region removed, `cdk deploy --all` creates a second
 * `<name>-dashboard` stack in the new first region, and its dashboard fails while the old stack holds the name.
 *
 * With `organization`, from the monitoring account: the dashboard `<name>-organization` lives in the first region's
 * sink stack, `<name>-monitoring-<first>`; every region's sink stack is in the app, and only the first one's template
 * has the dashboard. When `regions` is reordered, `cdk deploy '<name>-monitoring-*'` updates both stacks, and no
 * dependency orders them: if the new first region's update runs first, it creates the dashboard while the old first
 * region's stack still holds the name, and fails; when the old first region was removed from `regions`, its stack
 * is no longer in the app and holds the name until deleted. So each sink stack found is read (DescribeStackResources):
 * one that holds a dashboard fails the check.
 */
export async function dashboardCheck(
  ctx: CheckContext,
  config: CanaryConfig,
  account: string,
): Promise<PreflightCheck> {
  const org = config.organization !== undefined;
  const first = firstRegion(config);
  const place = { account, region: first };
  const stackName = org ? monitoringStackName(config.name, first) : dashboardStackName(config.name);
  const dashboard = org ? organizationDashboardName(config.name) : config.name;
  const { partition, lookups } = strayStackLookups(config, account);
  const candidates = lookups.filter((l) => l.kind === (org ? 'monitoring' : 'dashboard'));
  const cloudformation = (region: string) => ctx.clients.cloudformation(region);
  const scan = await scanStacks(
    candidates,
    (region, name) => stackByName((run) => call(ctx, run), cloudformation(region), name),
    config.name,
    org ? (region, name) => stackResources((run) => call(ctx, run), cloudformation(region), name) : undefined,
  );
  // One account: any stack of the name holds the dashboard, unless it holds nothing; a sink stack, when it says so.
  const empty = org ? [] : scan.found.filter((f) => HOLDS_NOTHING.has(f.stack.StackStatus ?? ''));
  const holding = scan.found.filter((f) => (org ? f.holdsDashboard : !empty.includes(f)));
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
    ...(org ? { dashboard } : {}),
    partition,
    looked: candidates.map((l) => l.region),
    found: scan.found.map((f) => ({
      region: f.region,
      stackStatus: f.stack.StackStatus ?? null,
      ...(org ? { stackName: f.stackName, holdsDashboard: f.holdsDashboard ?? null } : {}),
    })),
    notEnabled: [...scan.notEnabled],
    closedByPolicy: [...scan.closedByPolicy],
    denied: [...scan.denied.keys()],
    unanswered: [...scan.unanswered.keys()],
    ...(org ? { resourcesUnread: [...scan.resourcesUnread.keys()] } : {}),
    foreign: scan.foreign,
  };
  const withNotes = (saw: string) => [saw, ...notes].join('; ');
  if (holding.length > 0) {
    const where = holding
      .map((f) => `${org ? `${f.stackName} in ` : ''}${f.region} (${f.stack.StackStatus ?? 'UNKNOWN'})`)
      .join(' and ');
    const steps = holding.map((f) => {
      const status = f.stack.StackStatus ?? '';
      const remove = `${deleteStackCommand(f.stackName, f.region)}${deleteFailedNote(status, f.stackName, f.region)}`;
      if (status === 'DELETE_IN_PROGRESS')
        return `wait for its delete to finish: aws cloudformation wait stack-delete-complete --stack-name ${f.stackName} --region ${f.region}`;
      if (!org) return remove;
      if (configured.has(f.region))
        return `deploy ${f.stackName} alone, first (with this configuration its template has no dashboard, so the update deletes it): npx cdk deploy ${f.stackName}`;
      return `delete ${f.stackName} once no member account in ${f.region} links to its sink (deploy ${organizationStackName(config.name)} from the StackSet's account first; a sink with links cannot be deleted): ${remove}`;
    });
    const [only] = holding;
    const reorder =
      holding.length === 1 && only
        ? configured.has(only.region)
          ? `; or put ${only.region} first in regions, where the dashboard is`
          : `; or add ${only.region} back to regions, first, where the dashboard is`
        : '';
    const mayPass = holding.every((f) => configured.has(f.region))
      ? ", unless the other stack's update happens to run first (no dependency orders the monitoring stacks)"
      : '';
    return check(
      'dashboard',
      place,
      'fail',
      withNotes(
        org
          ? `the organization's dashboard "${dashboard}" is held by ${where}, but the configuration now puts it in ${stackName}, in ${first}, the first of regions: deploying ${stackName} fails to create it as already existing${mayPass}`
          : `${stackName} is deployed in ${where}, but the configuration now puts the dashboard in ${first}, the first of regions: cdk deploy would create a second ${stackName} there, and its dashboard "${dashboard}" would fail as already existing`,
      ),
      `${org ? '' : `delete the old stack first (it deletes the dashboard; the deploy then makes it in ${first}): `}${steps.join('; ')}${org ? '; then deploy the monitoring stacks' : ''}${reorder}. ${dashboardNameIsGlobal(first)}`,
      org ? details : { ...details, delete: holding.map((f) => deleteStackCommand(stackName, f.region)) },
    );
  }
  const unread = scan.denied.size + scan.unanswered.size + scan.resourcesUnread.size;
  const looked = `looked for ${org ? `${dashboard} in the monitoring stacks of` : `${stackName} in`} the ${candidates.length} regions of the ${partition} partition but ${first}, where the configuration puts it: ${
    unread ? 'none found where it could look' : 'none'
  }`;
  if (!unread) return check('dashboard', place, 'pass', withNotes(looked), null, details);
  const [denied] = scan.denied.keys();
  const [resourcesUnread] = scan.resourcesUnread.keys();
  const lookupIn = (region: string) => candidates.find((l) => l.region === region)?.stackName ?? stackName;
  return check(
    'dashboard',
    place,
    'warn',
    withNotes(looked),
    [
      ...(denied
        ? [
            `let the deployer call cloudformation:DescribeStacks in every region (${READ_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stacks --stack-name ${lookupIn(denied)} --region ${denied}`,
          ]
        : []),
      ...(resourcesUnread
        ? [
            `let the deployer call cloudformation:DescribeStackResources (${READ_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stack-resources --stack-name ${lookupIn(resourcesUnread)} --region ${resourcesUnread}`,
          ]
        : []),
      ...(scan.unanswered.size
        ? ["check the path to those regions' CloudFormation endpoints and run preflight again"]
        : []),
    ].join('; '),
    details,
  );
}
