import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

const TEST_DIR = 'test';

/**
 * A test file that reads the real registry (`inject('registry')`) runs in the `registry` project, whose
 * global setup starts the one registry of the run; every other file runs in `unit`, which starts nothing and
 * needs none of the registry's Debian packages. The split follows the files themselves, so there is no list
 * to keep up to date: a file that needs the registry calls `inject('registry')` itself, not through a helper.
 */
const USES_REGISTRY = /\binject\(\s*['"]registry['"]\s*\)/;
const testFiles = readdirSync(TEST_DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join(TEST_DIR, file).replaceAll('\\', '/'))
  .sort();
const registryFiles = testFiles.filter((file) => USES_REGISTRY.test(readFileSync(file, 'utf8')));

// First in every project: one temp directory for the whole run, checked and removed at the end.
const RUN_TMP = 'test/support/run-tmp.ts';
// After every file: remove the assemblies CDK wrote to temp directories for Apps made without an outdir.
const CDK_CLEANUP = 'test/support/cdk-cleanup.ts';
// Before any test: the prebuilt Lambda code the constructs deploy (dist/functions/) and the shipped command.
const BUILD_SHIPPED_CODE = 'test/support/build-shipped-code.ts';
// Around every file: fails the file that leaves process.env changed for the next file in its worker.
const ENV_GUARD = 'test/support/env-guard.ts';

import { SDK_NODE_WARNING_OPT_OUT } from './lambda/commands/sdk-node-notice.ts';
import { CDK_VALIDATION_OFF } from './test/support/cdk-validation.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    // One worker per core, where vitest's default leaves one core to itself (a single worker on a 2-core machine).
    // Much of a test file's time is spent waiting on child processes, sockets and deadlines: on 2 cores the run
    // took about 30% less wall time. Three workers on 2 cores were no faster.
    maxWorkers: availableParallelism(),
    // Test files that create SDK clients in process would each print the SDK's Node.js support warning.
    // aws-cdk-lib's built-in template validation: off, for time (test/support/cdk-validation.ts).
    env: { [SDK_NODE_WARNING_OPT_OUT]: 'true', ...CDK_VALIDATION_OFF },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // One module graph per worker instead of one per file: aws-cdk-lib and the SDK are imported once, not
          // once per file (the suite went from about 157 s to 90 s). Safe because files keep no state between
          // files: process.env is put back after each file (ENV_GUARD fails a file that does not), fake timers
          // are restored in `finally`, and CDK apps are cleaned after every file (CDK_CLEANUP).
          isolate: false,
          include: [`${TEST_DIR}/**/*.test.ts`],
          exclude: [...configDefaults.exclude, ...registryFiles],
          globalSetup: [RUN_TMP, BUILD_SHIPPED_CODE],
          setupFiles: [ENV_GUARD, CDK_CLEANUP],
        },
      },
      {
        extends: true,
        test: {
          name: 'registry',
          // Shared workers too, as in `unit`: these files point the SDK at their doubles through process.env
          // (applyEnv) and put it back in afterAll; ENV_GUARD holds them to it. The probe's process-wide caches
          // (an access key's identity, lambda/engine/probe/token.ts) answer the same for every file: one set of doubles'
          // identities. 38 s -> 32 s for this project alone, 8 s less CPU (no re-import of the SDK per file).
          isolate: false,
          include: registryFiles,
          globalSetup: [RUN_TMP, BUILD_SHIPPED_CODE, 'test/support/global-setup.ts'],
          // Fails each file with the missing Debian packages when the registry could not be started.
          setupFiles: [ENV_GUARD, CDK_CLEANUP, 'test/support/require-registry.ts'],
        },
      },
    ],
  },
});
