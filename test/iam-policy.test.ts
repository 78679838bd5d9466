import { describe, expect, it } from 'vitest';
import {
  evaluate,
  type PolicyRequest,
  type PolicyStatement,
  UnmodelledPolicyError,
} from '../lambda/engine/model/iam-policy.ts';

/**
 * The evaluator preflight judges AWS-held policies with (lambda/engine/model/iam-policy.ts), on the edge rules of the IAM
 * documentation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * ("If the key … is not present in the request context, the values do not match … If the policy condition requires
 * that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition
 * is true"; `…IfExists`; set operators on multivalued keys) and reference_policies_evaluation-logic.html.
 */

const request = (over: Partial<PolicyRequest> = {}): PolicyRequest => ({
  principal: 'arn:aws:iam::111122223333:role/canary',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::bucket/key',
  context: {},
  ...over,
});
const allow = (over: Partial<PolicyStatement>): PolicyStatement => ({
  Effect: 'Allow',
  Principal: '*',
  Action: '*',
  Resource: '*',
  ...over,
});

describe('the IAM policy evaluator', () => {
  it('lets an explicit Deny win and denies what nothing allows', () => {
    expect(evaluate([allow({}), { ...allow({}), Effect: 'Deny', Action: 's3:Get*' }], request())).toBe(
      'explicit-deny',
    );
    expect(evaluate([allow({ Action: 's3:PutObject' })], request())).toBe('implicit-deny');
    expect(evaluate([allow({ Action: 'S3:getobject' })], request())).toBe('allow');
  });

  it('matches a key missing from the request only under negated operators, IfExists and ForAllValues', () => {
    const when = (Condition: PolicyStatement['Condition']) => evaluate([allow({ Condition })], request());
    expect(when({ StringEquals: { 'aws:PrincipalOrgID': 'o-1' } })).toBe('implicit-deny');
    expect(when({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } })).toBe('allow');
    expect(when({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*' } })).toBe('allow');
    expect(when({ StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } })).toBe('allow');
    expect(when({ 'ForAllValues:StringEquals': { 'oam:ResourceTypes': ['AWS::CloudWatch::Metric'] } })).toBe(
      'allow',
    );
    expect(when({ 'ForAnyValue:StringEquals': { 'oam:ResourceTypes': ['AWS::CloudWatch::Metric'] } })).toBe(
      'implicit-deny',
    );
    expect(when({ Null: { 'aws:PrincipalOrgID': 'true' } })).toBe('allow');
  });

  it('compares condition keys case-insensitively and set operators value by value', () => {
    const types = (values: string[]) =>
      evaluate(
        [
          allow({
            Condition: { 'ForAllValues:StringEquals': { 'OAM:resourceTypes': ['AWS::CloudWatch::Metric'] } },
          }),
        ],
        request({ context: { 'oam:ResourceTypes': values } }),
      );
    expect(types(['AWS::CloudWatch::Metric'])).toBe('allow');
    expect(types(['AWS::CloudWatch::Metric', 'AWS::Logs::LogGroup'])).toBe('implicit-deny');
  });

  it('matches service principals, NotAction and NotResource', () => {
    const cloudwatch = request({ principal: { service: 'cloudwatch.amazonaws.com' }, action: 'kms:Decrypt' });
    expect(evaluate([allow({ Principal: { Service: 'cloudwatch.amazonaws.com' } })], cloudwatch)).toBe(
      'allow',
    );
    expect(evaluate([allow({ Principal: { AWS: '111122223333' } })], cloudwatch)).toBe('implicit-deny');
    expect(evaluate([allow({ Action: undefined, NotAction: 's3:PutObject' })], request())).toBe('allow');
    expect(evaluate([allow({ Resource: undefined, NotResource: 'arn:aws:s3:::bucket/*' })], request())).toBe(
      'implicit-deny',
    );
  });

  it('refuses to guess an operator it does not model', () => {
    expect(() =>
      evaluate([allow({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } })], request()),
    ).toThrow(UnmodelledPolicyError);
  });
});
