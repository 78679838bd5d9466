import { Template } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import { MINIMAL_CONFIG, maskAssetHashes, synthApp } from './helpers.ts';

// The minimal configuration (test/fixtures), so a reviewer sees every change to what a one-region deploy creates.
// The test names still say "shipped example": they key the stored snapshots.
it('canary stack of the shipped example', () => {
  const { canaries } = synthApp(MINIMAL_CONFIG);
  const stack = canaries[0];
  if (!stack) throw new Error('no canary stack');
  expect(maskAssetHashes(Template.fromStack(stack).toJSON())).toMatchSnapshot();
});
