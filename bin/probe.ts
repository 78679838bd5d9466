#!/usr/bin/env node
// `ecr-pull-canary probe …` from the sources, for a clone (`npm run probe` prefers the built bundle).
process.argv.splice(2, 0, 'probe');
await import('./ecr-pull-canary.ts');
