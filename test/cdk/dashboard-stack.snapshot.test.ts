import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import { maskAssetHashes, synthApp } from './helpers.ts';

it('dashboard stack of the shipped example', () => {
  const { dashboard } = synthApp(JSON.parse(readFileSync('canary.config.json', 'utf8')));
  if (!dashboard) throw new Error('no dashboard stack');
  expect(maskAssetHashes(Template.fromStack(dashboard).toJSON())).toMatchSnapshot();
});
