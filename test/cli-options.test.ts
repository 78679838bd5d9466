import { describe, expect, it } from 'vitest';
import { parseCliArgs, USAGE } from '../lambda/commands/probe/cli.ts';
import { TARGET_DEFAULTS } from '../lambda/engine/model/limits.ts';

const env = { AWS_REGION: 'eu-west-1' };

describe('probe options parsed in process', () => {
  it('--no-layer-check turns the layer phase off for the one target, as layerCheck: false does in config', () => {
    const request = parseCliArgs(['team/api:1', '--no-layer-check'], env);
    expect(request).not.toBe('help');
    if (request === 'help') return;
    expect(request.target.layerCheck).toBe(false);
  });

  it('without it the target carries no switch, so the default (on) applies', () => {
    const request = parseCliArgs(['team/api:1'], env);
    if (request === 'help') throw new Error('unexpected help');
    expect(request.target.layerCheck).toBeUndefined();
    expect(TARGET_DEFAULTS.layerCheck).toBe(true);
  });

  it('lists the switch in the help text', () => {
    expect(USAGE).toContain('--no-layer-check');
  });
});
