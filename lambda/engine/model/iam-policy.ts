/**
 * A small evaluator of one resource-based policy (a key policy, a VPC endpoint policy, an OAM sink policy) by the
 * documented IAM rules: Effect, Principal / NotPrincipal (`*`, `{AWS: "*" | account | ARN}`, `{Service: …}`),
 * Action / NotAction and Resource / NotResource with `*`/`?` wildcards, and the string, ARN, Bool and Null
 * condition operators with `…IfExists` and the `ForAllValues:` / `ForAnyValue:` set prefixes. An explicit Deny
 * wins over any Allow, and a request that no statement allows is implicitly denied
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). A key missing from
 * the request fails a condition, except under a negated operator (StringNotEquals, ArnNotLike, …), where it
 * matches, and under `…IfExists` and `ForAllValues:`, where it matches too
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * Condition keys compare case-insensitively, actions too, resources case-sensitively.
 *
 * Used by `ecr-pull-canary preflight` on the policies it reads, and by the tests on the policies the app writes:
 * one evaluator for both. An operator it does not model throws {@link UnmodelledPolicyError}, so no verdict is
 * ever a guess.
 */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyRequest {
  /** The calling principal: an IAM ARN (`arn:aws:iam::111122223333:root` for the account), or a service. */
  principal: string | { service: string };
  action: string;
  resource: string;
  /** Request context keys, e.g. aws:PrincipalOrgID, aws:SecureTransport ("true"/"false"), oam:ResourceTypes. */
  context: Record<string, string | string[]>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export class UnmodelledPolicyError extends Error {
  override name = 'UnmodelledPolicyError';
}

export function evaluate(statements: readonly PolicyStatement[], request: PolicyRequest): Decision {
  const applies = statements.filter((s) => statementApplies(s, request));
  if (applies.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return applies.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

/**
 * An identity-based policy, for the principal it is attached to: it has no Principal element, so every statement
 * is the caller's own.
 */
export function evaluateIdentity(
  statements: readonly PolicyStatement[],
  request: Omit<PolicyRequest, 'principal'>,
): Decision {
  return evaluate(
    statements.map((statement) => ({ ...statement, Principal: '*' })),
    { ...request, principal: 'identity' },
  );
}

/** The statements of a policy document as JSON text or object; a single statement object counts as a list. */
export function policyStatements(document: unknown): PolicyStatement[] {
  const parsed = typeof document === 'string' ? (JSON.parse(document) as unknown) : document;
  const statement = (parsed as { Statement?: unknown } | null)?.Statement;
  if (statement === undefined) return [];
  return (Array.isArray(statement) ? statement : [statement]) as PolicyStatement[];
}

function statementApplies(s: PolicyStatement, request: PolicyRequest): boolean {
  const principal =
    s.NotPrincipal !== undefined
      ? !principalMatches(s.NotPrincipal, request.principal)
      : principalMatches(s.Principal, request.principal);
  const action =
    s.NotAction !== undefined
      ? !list(s.NotAction).some((p) => wildcard(p, request.action, true))
      : list(s.Action).some((p) => wildcard(p, request.action, true));
  const resource =
    s.NotResource !== undefined
      ? !list(s.NotResource).some((p) => wildcard(p, request.resource, false))
      : list(s.Resource).some((p) => wildcard(p, request.resource, false));
  return principal && action && resource && conditionsMatch(s.Condition ?? {}, request.context);
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `*` any run of characters, `?` one. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function principalMatches(principal: unknown, caller: PolicyRequest['principal']): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const p = principal as { AWS?: unknown; Service?: unknown };
  if (typeof caller === 'object') return list(p.Service).includes(caller.service);
  const account = caller.split(':')[4];
  return list(p.AWS).some(
    (entry) =>
      entry === '*' || entry === caller || entry === account || entry === `arn:aws:iam::${account}:root`,
  );
}

type Matcher = (expected: string, actual: string) => boolean;

const MATCHERS: Record<string, { match: Matcher; negated: boolean }> = {
  StringEquals: { match: (e, a) => e === a, negated: false },
  StringNotEquals: { match: (e, a) => e === a, negated: true },
  StringEqualsIgnoreCase: { match: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { match: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: true },
  StringLike: { match: (e, a) => wildcard(e, a, false), negated: false },
  StringNotLike: { match: (e, a) => wildcard(e, a, false), negated: true },
  ArnEquals: { match: (e, a) => wildcard(e, a, false), negated: false },
  ArnLike: { match: (e, a) => wildcard(e, a, false), negated: false },
  ArnNotEquals: { match: (e, a) => wildcard(e, a, false), negated: true },
  ArnNotLike: { match: (e, a) => wildcard(e, a, false), negated: true },
  Bool: { match: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
};

function conditionsMatch(
  condition: Record<string, Record<string, unknown>>,
  context: PolicyRequest['context'],
): boolean {
  const lowered = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      conditionMatches(operator, list(expected), lowered.get(key.toLowerCase())),
    ),
  );
}

function conditionMatches(operator: string, expected: string[], raw: string | string[] | undefined): boolean {
  const set = /^(ForAllValues|ForAnyValue):(.+)$/.exec(operator);
  const name = (set ? set[2] : operator) as string;
  const ifExists = name.endsWith('IfExists');
  const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
  if (base === 'Null') {
    if (set) throw new UnmodelledPolicyError(`condition operator ${operator}`);
    const absent = raw === undefined || (Array.isArray(raw) && raw.length === 0);
    return expected.some((e) => (e.toLowerCase() === 'true') === absent);
  }
  const matcher = MATCHERS[base];
  if (!matcher) throw new UnmodelledPolicyError(`condition operator ${operator}`);
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) {
    if (set?.[1] === 'ForAllValues') return true;
    if (set?.[1] === 'ForAnyValue') return false;
    return ifExists || matcher.negated;
  }
  const one = (value: string) => {
    const hit = expected.some((e) => matcher.match(e, value));
    return matcher.negated ? !hit : hit;
  };
  if (set?.[1] === 'ForAllValues') return values.every(one);
  if (set?.[1] === 'ForAnyValue') return values.some(one);
  return values.some(one);
}
