import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_FILE } from '../../lambda/engine/config/locate.ts';
import { CDK_CLI_TELEMETRY_OFF, CDK_VALIDATION_OFF } from '../support/cdk-validation.ts';
import { MINIMAL_CONFIG_PATH, synthApp } from './helpers.ts';

/**
 * Issue 27, item 3: what `cdk synth` prints to a newcomer, through the CDK CLI itself: no line about feature flags
 * left unconfigured, the command README gives to print one template, and an invalid configuration that ends at
 * its message, with only the CLI's own line after it, which docs/configuration.md explains.
 */
const CDK_CLI = resolve('node_modules/.bin/cdk');
const work = mkdtempSync(join(tmpdir(), 'synth-output-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cdkSynth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    // As a newcomer's terminal has it: no CI variable (with CI=true the CDK CLI writes its messages to stdout).
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_') && key !== 'CI',
    ),
  );
  return new Promise((done) => {
    execFile(
      CDK_CLI,
      ['synth', '--output', mkdtempSync(join(work, 'out-')), ...args],
      {
        env: {
          ...env,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
          AWS_CONFIG_FILE: '/nonexistent/config',
          ...CDK_VALIDATION_OFF,
          ...CDK_CLI_TELEMETRY_OFF,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('`cdk synth` as a newcomer runs it', () => {
  it('says nothing about feature flags, and README names a stack whose template `npm run synth -- STACK` prints', async () => {
    const result = await cdkSynth(['-c', `config=${MINIMAL_CONFIG_PATH}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/feature flag/i);
    // Two stacks: the CLI writes them and asks for a stack id to print one.
    expect(result.stderr).toMatch(/^Supply a stack id \(.+\) to display its template\.$/m);

    const readme = readFileSync('README.md', 'utf8');
    const named = /`npm run synth -- ([a-z0-9-]+)` \(stacks are/.exec(readme)?.[1];
    const example = synthApp(JSON.parse(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')));
    const stacks = [...example.canaries, ...(example.dashboard ? [example.dashboard] : [])].map(
      (stack) => stack.stackName,
    );
    expect(stacks).toContain(named);
    expect(readme).not.toMatch(/npm run synth` shows the templates/);
  }, 180_000);

  it('ends an invalid configuration at its message; the only line after it is the one docs/configuration.md explains', async () => {
    const path = join(work, 'bad.json');
    writeFileSync(path, JSON.stringify({ regions: ['eu-west-1'], scheduleMinutes: 0 }));
    const result = await cdkSynth(['-c', `config=${path}`]);
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    const start = lines.indexOf(`Invalid canary configuration ${path} (1 problem):`);
    expect(start, result.stderr).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start + 1)).toEqual([
      '  scheduleMinutes: got 0; allowed: a whole number from 1 to 60 minutes',
      expect.stringMatching(/ bin\/app\.ts: Subprocess exited with error 1$/),
    ]);
    const docs = readFileSync('docs/configuration.md', 'utf8');
    expect(docs).toContain('bin/app.ts: Subprocess exited with error 1`');
  }, 180_000);
});
