import { ACCOUNT_ID } from '../model/arn.ts';
import {
  OAM_SINK_ARN_PATTERN,
  ORGANIZATION_DEFAULTS,
  ORGANIZATION_ID_PATTERN,
  ORGANIZATION_ROOT_ID_PATTERN,
  ORGANIZATIONAL_UNIT_ID_PATTERN,
  PERCENTAGE_PATTERN,
  STACK_SET_ACCOUNT_FILTERS,
  STACK_SET_CALL_AS,
  STACK_SET_REGION_CONCURRENCY,
} from '../model/limits.ts';
import { type CountOrPercentage, ORGANIZATION_KEYS, type OrganizationConfig } from './schema.ts';
import { checkBoolean, checkKeys, isObject, type Problems } from './validation.ts';

const PATH = 'organization';

/**
 * Keys of the file that name one account's resources: one StackSet template serves every member account and
 * every region, so they have no meaning there (each member gets its own topic; no VPC of one account exists in
 * another).
 */
const NOT_WITH_ORGANIZATION: ReadonlyArray<[string, (raw: Record<string, unknown>) => unknown, string]> = [
  ['regionOverrides', (raw) => raw.regionOverrides, 'one template serves every region'],
  ['vpc', (raw) => raw.vpc, 'subnets and security groups belong to one account'],
  [
    'notifications.topicArn',
    (raw) => (isObject(raw.notifications) ? raw.notifications.topicArn : undefined),
    'a topic belongs to one account; each member gets its own topic',
  ],
  [
    'notifications.topicKmsKeyArn',
    (raw) => (isObject(raw.notifications) ? raw.notifications.topicKmsKeyArn : undefined),
    'a key belongs to one account; use notifications.encryption',
  ],
];

/**
 * `organization`, and what it changes in the rest of the file. Reports every problem into `p`; returns the
 * section with its defaults, or undefined when it is absent or has problems.
 */
export function checkOrganization(
  p: Problems,
  raw: Record<string, unknown>,
  regions: string[],
): OrganizationConfig | undefined {
  const value = raw.organization;
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    p.add(PATH, value, `allowed: an object with ${ORGANIZATION_KEYS.join(', ')}`);
    return undefined;
  }
  const before = p.found;
  checkKeys(p, PATH, value, ORGANIZATION_KEYS);
  if (typeof raw.account !== 'string') {
    p.add(
      'account',
      raw.account,
      'allowed: with organization, the 12-digit management or delegated-administrator account (it holds the StackSet and the code buckets)',
    );
  }
  for (const [key, read, why] of NOT_WITH_ORGANIZATION) {
    const found = read(raw);
    if (found !== undefined) p.add(key, found, `allowed: nothing with organization (${why})`);
  }
  const organizationId = value.organizationId;
  if (typeof organizationId !== 'string' || !ORGANIZATION_ID_PATTERN.test(organizationId)) {
    p.add(`${PATH}.organizationId`, organizationId, 'allowed: an organization ID like "o-a1b2c3d4e5"');
  }
  const units = checkList(p, 'organizationalUnits', value.organizationalUnits, isUnit, {
    allowed: 'OU IDs like "ou-ab12-cdef3456" or the root "r-ab12"',
    empty: 'at least one OU ID or the root "r-ab12": an empty target list deploys nothing',
  });
  const accounts = checkList(p, 'accounts', value.accounts ?? [], isAccount, {
    allowed: '12-digit account IDs as strings',
  });
  const accountFilter =
    value.accountFilter === 'UNION'
      ? refuseUnion(p)
      : checkChoice(p, 'accountFilter', value.accountFilter, STACK_SET_ACCOUNT_FILTERS);
  if (value.accountFilter !== undefined && accounts.length === 0) {
    p.add(`${PATH}.accountFilter`, value.accountFilter, 'allowed: only with organization.accounts');
  }
  const autoDeployment = value.autoDeployment ?? ORGANIZATION_DEFAULTS.autoDeployment;
  checkBoolean(p, `${PATH}.autoDeployment`, autoDeployment);
  const callAs = checkChoice(p, 'callAs', value.callAs, STACK_SET_CALL_AS);
  const regionConcurrency = checkChoice(
    p,
    'regionConcurrency',
    value.regionConcurrency,
    STACK_SET_REGION_CONCURRENCY,
  );
  const maxConcurrent = checkCountOrPercentage(p, 'maxConcurrent', value.maxConcurrent, 1);
  const failureTolerance = checkCountOrPercentage(p, 'failureTolerance', value.failureTolerance, 0);
  const monitoringAccount = value.monitoringAccount;
  if (monitoringAccount !== undefined && !isAccount(monitoringAccount)) {
    p.add(`${PATH}.monitoringAccount`, monitoringAccount, 'allowed: a 12-digit account ID as a string');
  }
  const isMember = value.monitoringAccountIsMember ?? ORGANIZATION_DEFAULTS.monitoringAccountIsMember;
  checkBoolean(p, `${PATH}.monitoringAccountIsMember`, isMember);
  if (isAccount(monitoringAccount) && accounts.includes(monitoringAccount)) {
    checkMonitoringMember(p, monitoringAccount, accountFilter, isMember);
  }
  const sinkArns = checkSinkArns(p, value.sinkArns, regions, monitoringAccount);
  if (p.found !== before) return undefined;
  return {
    organizationId: organizationId as string,
    managementAccount: raw.account as string,
    organizationalUnits: units,
    accounts,
    accountFilter: accountFilter as OrganizationConfig['accountFilter'],
    autoDeployment: autoDeployment as boolean,
    callAs,
    maxConcurrent: maxConcurrent as CountOrPercentage,
    failureTolerance: failureTolerance as CountOrPercentage,
    regionConcurrency,
    monitoringAccount: monitoringAccount as string | undefined,
    sinkArns,
  };
}

/**
 * `accountFilter: "UNION"`: the StackSet resource refuses it on create ("UNION is not supported for create
 * operations when using StackSet as a resource", AWS::CloudFormation::StackSet DeploymentTargets;
 * aws-cloudformation/aws-cloudformation-resource-providers-cloudformation#100), so the first deploy would fail
 * after the code buckets exist. Named here, with the ways that work.
 */
function refuseUnion(p: Problems): undefined {
  p.add(
    `${PATH}.accountFilter`,
    'UNION',
    'allowed: "INTERSECTION" or "DIFFERENCE"; CloudFormation refuses UNION when it creates a StackSet resource ' +
      '("UNION is not supported for create operations when using StackSet as a resource"); to reach accounts ' +
      'outside the OUs, add the OU that holds them to organization.organizationalUnits (with "DIFFERENCE" and ' +
      'organization.accounts to leave some of its accounts out)',
  );
  return undefined;
}

/**
 * The monitoring account listed in `accounts`: what the filter makes of it. With INTERSECTION it is deployed to
 * (a member, which must be said); with DIFFERENCE it is left out, which is how to keep it out of a targeted OU.
 * The monitoring account of a targeted OU that is not listed is a member too; its link is skipped by a template
 * condition (lib/organization/organization-stack.ts), since it cannot be known here.
 */
function checkMonitoringMember(
  p: Problems,
  monitoringAccount: string,
  accountFilter: string | undefined,
  isMember: unknown,
): void {
  if (accountFilter === 'INTERSECTION' && isMember !== true) {
    p.add(
      `${PATH}.monitoringAccount`,
      monitoringAccount,
      'allowed: an account that is not also in organization.accounts, unless organization.monitoringAccountIsMember is true (it would run a canary and link to its own sink)',
    );
  }
  if (accountFilter === 'DIFFERENCE' && isMember === true) {
    p.add(
      `${PATH}.monitoringAccountIsMember`,
      isMember,
      'allowed: false when organization.accounts lists the monitoring account with accountFilter "DIFFERENCE", which leaves it out of the OUs (remove it from accounts to make it a member)',
    );
  }
}

function isUnit(item: unknown): boolean {
  return (
    typeof item === 'string' &&
    (ORGANIZATIONAL_UNIT_ID_PATTERN.test(item) || ORGANIZATION_ROOT_ID_PATTERN.test(item))
  );
}

function isAccount(item: unknown): item is string {
  return typeof item === 'string' && ACCOUNT_ID.test(item);
}

function checkList(
  p: Problems,
  key: string,
  value: unknown,
  check: (item: unknown) => boolean,
  text: { allowed: string; empty?: string },
): string[] {
  const path = `${PATH}.${key}`;
  if (!Array.isArray(value) || (text.empty && value.length === 0)) {
    p.add(path, value, `allowed: ${text.empty ?? `a list of ${text.allowed}`}`);
    return [];
  }
  const seen: string[] = [];
  value.forEach((item, i) => {
    if (!check(item)) p.add(`${path}[${i}]`, item, `allowed: ${text.allowed}`);
    else if (seen.includes(item as string)) p.add(`${path}[${i}]`, item, 'allowed: each once');
    else seen.push(item as string);
  });
  return seen;
}

function checkChoice<T extends string>(
  p: Problems,
  key: keyof typeof ORGANIZATION_DEFAULTS,
  value: unknown,
  choices: readonly T[],
): T {
  const chosen = value ?? ORGANIZATION_DEFAULTS[key];
  if (typeof chosen !== 'string' || !(choices as readonly string[]).includes(chosen)) {
    p.add(`${PATH}.${key}`, value, `allowed: one of ${choices.map((c) => `"${c}"`).join(', ')}`);
  }
  return chosen as T;
}

/** A count or percentage as the StackSet's operation preferences take it: `10` → count 10, `"10%"` → percentage 10. */
export function countOrPercentage(value: number | string): CountOrPercentage {
  return typeof value === 'number' ? { count: value } : { percentage: Number(value.slice(0, -1)) };
}

/** A whole count from `min`, or a percentage "1%"–"100%". */
function checkCountOrPercentage(
  p: Problems,
  key: 'maxConcurrent' | 'failureTolerance',
  value: unknown,
  min: number,
): CountOrPercentage | undefined {
  const given = value ?? ORGANIZATION_DEFAULTS[key];
  if (
    (typeof given === 'number' && Number.isInteger(given) && given >= min) ||
    (typeof given === 'string' && PERCENTAGE_PATTERN.test(given))
  ) {
    return countOrPercentage(given);
  }
  p.add(
    `${PATH}.${key}`,
    value,
    `allowed: a whole number of accounts from ${min}, or a percentage from "1%" to "100%"`,
  );
  return undefined;
}

/** One sink per configured region, in the monitoring account and in that region; all regions or none. */
function checkSinkArns(
  p: Problems,
  value: unknown,
  regions: string[],
  monitoringAccount: unknown,
): Record<string, string> {
  const path = `${PATH}.sinkArns`;
  if (value === undefined) return {};
  if (!isObject(value)) {
    p.add(
      path,
      value,
      'allowed: an object of sink ARNs keyed by region, from the monitoring stacks’ outputs',
    );
    return {};
  }
  if (monitoringAccount === undefined) {
    p.add(path, value, 'allowed: only with organization.monitoringAccount');
  }
  const out: Record<string, string> = {};
  for (const [region, arn] of Object.entries(value)) {
    const match = typeof arn === 'string' ? OAM_SINK_ARN_PATTERN.exec(arn) : null;
    if (!regions.includes(region)) {
      p.add(`${path}.${region}`, arn, `allowed: only regions listed in "regions" (${regions.join(', ')})`);
    } else if (!match || match[1] !== region || match[2] !== monitoringAccount) {
      p.add(
        `${path}.${region}`,
        arn,
        `allowed: an OAM sink ARN in ${region} of the monitoring account, arn:aws:oam:${region}:${String(monitoringAccount)}:sink/<id>`,
      );
    } else {
      out[region] = arn as string;
    }
  }
  const missing = regions.filter((region) => !(region in value));
  if (missing.length > 0 && Object.keys(value).length > 0) {
    p.add(
      path,
      value,
      `allowed: a sink for every region or none (one template serves all regions); missing ${missing.join(', ')}`,
    );
  }
  return out;
}
