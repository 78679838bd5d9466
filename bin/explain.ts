#!/usr/bin/env node
// `ecr-pull-canary explain …` from the sources, for a clone (`npm run explain` prefers the built bundle).
process.argv.splice(2, 0, 'explain');
await import('./ecr-pull-canary.ts');
