import { createRequire } from 'node:module';

/**
 * The version of ecr-pull-canary that synthesizes the stacks (package.json `version`), which each canary stack
 * outputs (`ToolVersion`) for `ecr-pull-canary status`. Read at run time through the package's own name (its
 * `exports` list `./package.json`), which resolves to the same file from a clone (lib/) and from the installed
 * package (dist/lib/); the command reads the same field through lambda/commands/package-info.ts VERSION, which
 * esbuild inlines (test/package-info.test.ts keeps the two equal).
 */
export const TOOL_VERSION: string = (
  createRequire(import.meta.url)('ecr-pull-canary/package.json') as { version: string }
).version;
