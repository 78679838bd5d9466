/**
 * The policy evaluator the tests judge the app's resource policies with: the same one `preflight` judges the
 * policies it reads with (lambda/model/iam-policy.ts), so a rule of IAM is written once.
 */
export {
  type Decision,
  evaluate,
  evaluateIdentity,
  type PolicyRequest,
  type PolicyStatement,
  policyStatements,
} from '../../lambda/model/iam-policy.ts';
