import type { PhraseRow } from '../rule.ts';

/** Phrasings first seen in what these print: this tool's own verdicts (the probe, doctor), pasted back into explain; the source is the module that prints it. */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const ECR_PULL_CANARY: readonly PhraseRow[] = [
  ['clock-skew/request-time', /host clock is [^\n]{1,40} (?:ahead of|behind) AWS/i, 'lambda/engine/probe/probe.ts'],
  ['credentials/assume-role-refused', /AssumeRole \S{1,300} refused/i, 'lambda/engine/probe/token.ts'],
  ['credentials/unexpected-identity', /credential chain resolved to \S{1,300}, not the expected/i, 'lambda/engine/probe/probe.ts'],
  ['platform/no-matching-manifest', /no manifest for [a-z0-9]{1,20}\/[a-z0-9]{1,20}[^\n]{0,40}the image offers/i, 'lambda/engine/probe/probe.ts'],
  ['integrity/digest-mismatch', /manifest bytes hash to sha256:/i, 'lambda/engine/probe/manifest.ts'],
  ['integrity/digest-mismatch', /not the pinned sha256:/i, 'lambda/engine/probe/manifest.ts'],
  ['network/no-answer', /did not finish within \d{1,9} ms/i, 'lambda/engine/probe/deadline.ts'],
  ['network/no-answer', /no complete answer from \S{1,300} within \d{1,9} ms/i, 'lambda/engine/probe/registry-request.ts'],
];
