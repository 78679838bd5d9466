import { Template } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import { MINIMAL_CONFIG, maskAssetHashes, synthApp } from './helpers.ts';

it('dashboard stack of the shipped example', () => {
  const { dashboard } = synthApp(MINIMAL_CONFIG);
  if (!dashboard) throw new Error('no dashboard stack');
  expect(maskAssetHashes(Template.fromStack(dashboard).toJSON())).toMatchSnapshot();
});
