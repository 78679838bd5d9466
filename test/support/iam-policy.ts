/**
 * A small evaluator of a resource-based policy, by the documented IAM rules, for the statements CDK writes:
 * Effect, Principal (`*`, `{AWS: "*"}`, `{AWS: <account or ARN>}`, `{Service: <service principal>}`), Action and
 * Resource with `*`/`?` wildcards, and the condition operators StringEquals, StringLike, ArnEquals, ArnLike and
 * Bool (all keys of a block must match; a key missing from the request fails the condition). ARN operators compare
 * like StringEquals / StringLike here, which is what they do for the ARNs the tests use (six colon-separated
 * parts; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
 * An identity-based policy has no Principal: {@link evaluateIdentity} evaluates one for the principal it is attached to. An explicit Deny wins over any Allow, and a request that
 * no statement allows is implicitly denied
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). For a principal
 * of another account the resource policy must allow the request too, whatever its identity policy allows
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 */
export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyRequest {
  /** ARN of the calling principal, or a service principal's name (`cloudwatch.amazonaws.com`). */
  principal: string;
  action: string;
  resource: string;
  /** Request context keys, e.g. aws:PrincipalOrgID, aws:SecureTransport ("true"/"false"). */
  context: Record<string, string>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export function evaluate(statements: PolicyStatement[], request: PolicyRequest): Decision {
  const applies = statements.filter(
    (s) =>
      principalMatches(s.Principal, request.principal) &&
      list(s.Action).some((pattern) => wildcard(pattern, request.action, true)) &&
      list(s.Resource).some((pattern) => wildcard(pattern, request.resource, false)) &&
      conditionsMatch(s.Condition ?? {}, request.context),
  );
  if (applies.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return applies.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

/** An identity-based policy, for the principal it is attached to: no Principal element to match. */
export function evaluateIdentity(
  statements: PolicyStatement[],
  request: Omit<PolicyRequest, 'principal'>,
): Decision {
  return evaluate(
    statements.map((statement) => ({ ...statement, Principal: '*' })),
    { ...request, principal: 'identity' },
  );
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** `*` any run of characters, `?` one; actions compare case-insensitively, resources case-sensitively. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function principalMatches(principal: unknown, arn: string): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const service = (principal as { Service?: string | string[] }).Service;
  if (service !== undefined && list(service).includes(arn)) return true;
  const aws = (principal as { AWS?: string | string[] }).AWS;
  if (aws === undefined) return false;
  const account = arn.split(':')[4];
  return list(aws).some(
    (p) => p === '*' || p === arn || p === account || p === `arn:aws:iam::${account}:root`,
  );
}

function conditionsMatch(
  condition: Record<string, Record<string, unknown>>,
  context: Record<string, string>,
): boolean {
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = list(expected as string | string[]).map(String);
      switch (operator) {
        case 'StringEquals':
        case 'ArnEquals':
        case 'Bool':
          return values.includes(actual);
        case 'StringLike':
        case 'ArnLike':
          return values.some((v) => wildcard(v, actual, false));
        default:
          throw new Error(`condition operator ${operator} is not modelled`);
      }
    }),
  );
}
