import { Template } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import { STACK_OUTPUTS } from '../../lambda/engine/model/deployment.ts';
import { TOOL_VERSION } from '../../lib/tool-version.ts';
import { MINIMAL_CONFIG, maskAssetHashes, synthApp } from './helpers.ts';

// The minimal configuration (test/fixtures), so a reviewer sees every change to what a one-region deploy creates.
// The test names still say "shipped example": they key the stored snapshots.
it('canary stack of the shipped example', () => {
  const { canaries } = synthApp(MINIMAL_CONFIG);
  const stack = canaries[0];
  if (!stack) throw new Error('no canary stack');
  const template = Template.fromStack(stack).toJSON();
  // The version output is this package.json's: a release bump alone must not rewrite the snapshot.
  const version = template.Outputs?.[STACK_OUTPUTS.toolVersion];
  expect(version?.Value).toBe(TOOL_VERSION);
  if (version) version.Value = '[TOOL VERSION]';
  expect(maskAssetHashes(template)).toMatchSnapshot();
});
