/**
 * Global setup listed first by every vitest project: the whole run, whichever projects it includes, shares
 * one temp directory (scripts/run-tmp.ts), and the last teardown fails the run when a test left anything in
 * it. Projects set up and tear down in an order of vitest's choosing, so the directory is shared through a
 * process-wide reference count rather than owned by one project.
 */
import { leftoverMessage, type RunTmp, startRunTmp } from '../../scripts/run-tmp.ts';

export const TEST_RUN_TMP_PREFIX = 'ecr-pull-canary-test-';

const SHARED = Symbol.for('ecr-pull-canary.test-run-tmp');
type Shared = { run: RunTmp; users: number };
const store = globalThis as { [SHARED]?: Shared };

export default function setup(): () => void {
  store[SHARED] ??= { run: startRunTmp(TEST_RUN_TMP_PREFIX), users: 0 };
  const shared = store[SHARED];
  shared.users += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    shared.users -= 1;
    if (shared.users > 0) return;
    delete store[SHARED];
    const left = shared.run.finish();
    if (left.length === 0) return;
    // vitest logs a teardown error but keeps the exit status; the leftovers must fail the run.
    process.exitCode = 1;
    throw new Error(leftoverMessage('the test run', shared.run.dir, left));
  };
}
