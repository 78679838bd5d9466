import { defineConfig } from 'vitest/config';
import { SDK_NODE_WARNING_OPT_OUT } from './lambda/sdk-node-notice.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The registry is a real process shared by every test file; it is started once here.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Test files that create SDK clients in process would each print the SDK's Node.js support warning.
    env: { [SDK_NODE_WARNING_OPT_OUT]: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
