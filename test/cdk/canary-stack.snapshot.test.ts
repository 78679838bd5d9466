import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import { maskAssetHashes, synthApp } from './helpers.ts';

// The shipped example, so a reviewer sees every change to what `cdk deploy` creates for a new user.
it('canary stack of the shipped example', () => {
  const { canaries } = synthApp(JSON.parse(readFileSync('canary.config.json', 'utf8')));
  const stack = canaries[0];
  if (!stack) throw new Error('no canary stack');
  expect(maskAssetHashes(Template.fromStack(stack).toJSON())).toMatchSnapshot();
});
