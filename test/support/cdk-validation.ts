/**
 * aws-cdk-lib checks every template it synthesizes against the CloudFormation resource schemas and its default
 * rules (`@aws/cloudformation-validate`, a WebAssembly engine) unless `CDK_VALIDATION` is `false`. It never
 * decides a test: its findings are only warnings (unless an app sets
 * `@aws-cdk/core:validateAgainstDefaultRules`, which ours does not), even a failure of the engine itself, and no
 * test read them. But starting the engine costs about 2.5 s of wall time and 7 s of CPU in every process that
 * synthesizes, again in a test worker for each new set of resource types, and it keeps about 180 MB for the rest
 * of the worker's files: a third of the CPU time of the test run went there. The test run turns it off:
 * vitest.config.ts for the workers, and the child processes that synthesize set it themselves.
 */
export const CDK_VALIDATION_ENV = 'CDK_VALIDATION';
/** The environment that turns the validation off, for the test run and the processes it starts. */
export const CDK_VALIDATION_OFF = { [CDK_VALIDATION_ENV]: 'false' } as const;

/**
 * The CDK CLI's own telemetry, off for the CLI runs of the tests: it would hand each run's report to a detached
 * process that posts it to AWS (this machine has no such network) through a file in TMPDIR that outlives the test.
 */
export const CDK_CLI_TELEMETRY_OFF = { CDK_DISABLE_CLI_TELEMETRY: 'true' } as const;
