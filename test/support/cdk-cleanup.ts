/**
 * A CDK `App` made without an `outdir` writes its assembly to a fresh `cdk.out*` directory under the temp
 * directory, and CDK removes those only on a normal process exit, which a vitest worker may never have. This
 * removes them after every test file, as CDK's documentation of `cleanupTemporaryDirectories` asks test
 * runners to do.
 */
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';

afterAll(() => {
  CloudAssembly.cleanupTemporaryDirectories();
});
