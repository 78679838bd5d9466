/**
 * aws-cdk-lib checks every template it synthesizes against the CloudFormation resource schemas and its default
 * rules (`@aws/cloudformation-validate`, a WebAssembly engine) unless `CDK_VALIDATION` is `false`. It only warns
 * (its errors become warnings unless an app sets `@aws-cdk/core:validateAgainstDefaultRules`), so it never
 * decides whether a synthesis succeeds; but starting its engine costs about 2.5 s of wall time and 7 s of CPU in
 * every process that synthesizes, and again in a test worker each time a template brings resource types the
 * engine was not started for: a third of the CPU time of the test run went there.
 *
 * So the test run turns it off (vitest.config.ts for the workers; the child processes that synthesize set it
 * themselves), and test/cdk/nag.test.ts turns it back on (`cdkValidationViolations` in test/cdk/helpers.ts)
 * for every configuration there, the shipped example and the shipped organization example, and requires an
 * empty report.
 */
export const CDK_VALIDATION_ENV = 'CDK_VALIDATION';
/** The environment that turns the validation off, for the test run and the processes it starts. */
export const CDK_VALIDATION_OFF = { [CDK_VALIDATION_ENV]: 'false' } as const;
