// `npm run probe` / `npm run explain` in a clone: runs `ecr-pull-canary ARGS…` from the built bundle
// (dist/cli.mjs, plain node, about 0.15 s) when it is current, i.e. newer than every file it is built from;
// otherwise from the sources through tsx (about a second), so an edit is never run stale. Plain JavaScript,
// so that choosing costs no transpiling. `npm run build` makes the bundle current.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'cli.mjs');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/** The directories the command is built from (it imports nothing of lib/); README's Install section lists them. */
const SOURCE_DIRS = ['bin', 'lambda'];

/** The newest of the command's sources: SOURCE_DIRS, and the lockfile (the SDK's version). */
function newestSource() {
  let newest = mtime(join(root, 'package-lock.json'));
  for (const dir of SOURCE_DIRS) {
    for (const file of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
      newest = Math.max(newest, mtime(join(root, dir, file)));
    }
  }
  return newest;
}

if (mtime(bundle) >= newestSource()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'bin', 'ecr-pull-canary.ts')).href);
}
