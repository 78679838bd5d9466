/**
 * The programs the real test registry needs, and the Debian package each comes from. The registry start-up
 * checks them before anything else and names what is missing; `.ci/run` installs the packages this module
 * reports (`node --import tsx test/support/prerequisites.ts` prints one missing package per line).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Prerequisite {
  /** The program, looked up on PATH. */
  readonly command: RegistryProgram;
  readonly debianPackage: string;
  /** What the tests use it for, in the message that names it. */
  readonly purpose: string;
}

export type RegistryProgram = 'docker-registry' | 'htpasswd' | 'openssl';

export const REGISTRY_PREREQUISITES: readonly Prerequisite[] = [
  {
    command: 'docker-registry',
    debianPackage: 'docker-registry',
    purpose: 'the CNCF Distribution registry the probe pulls from',
  },
  { command: 'htpasswd', debianPackage: 'apache2-utils', purpose: "the registry's bcrypt password file" },
  { command: 'openssl', debianPackage: 'openssl', purpose: "the registry's throwaway CA and certificate" },
];

export class MissingPrerequisiteError extends Error {
  readonly missing: readonly Prerequisite[];
  constructor(missing: readonly Prerequisite[]) {
    super(missingPrerequisiteMessage(missing));
    this.name = 'MissingPrerequisiteError';
    this.missing = missing;
  }
}

/** One line per missing program, then the one command that installs every missing package. */
export function missingPrerequisiteMessage(missing: readonly Prerequisite[]): string {
  const packages = [...new Set(missing.map((item) => item.debianPackage))];
  return [
    `The tests that use the real registry need ${missing.length === 1 ? 'a program that is' : 'programs that are'} not installed:`,
    ...missing.map(
      (item) =>
        `  ${item.command} (${item.purpose}): Debian package ${item.debianPackage}, not found on PATH`,
    ),
    `Install with: sudo apt-get install -y ${packages.join(' ')}   (or run \`bash .ci/run\` as root, which installs them)`,
  ].join('\n');
}

/** The absolute path of every program, or MissingPrerequisiteError naming each one that is not on PATH. */
export function requireRegistryPrograms(
  path: string | undefined = process.env.PATH,
): Record<RegistryProgram, string> {
  const found: Partial<Record<RegistryProgram, string>> = {};
  const missing: Prerequisite[] = [];
  for (const item of REGISTRY_PREREQUISITES) {
    const where = findOnPath(item.command, path);
    if (where) found[item.command] = where;
    else missing.push(item);
  }
  if (missing.length > 0) throw new MissingPrerequisiteError(missing);
  return found as Record<RegistryProgram, string>;
}

export function findOnPath(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

// `.ci/run` asks which packages to install.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    requireRegistryPrograms();
  } catch (error) {
    if (!(error instanceof MissingPrerequisiteError)) throw error;
    const packages = new Set(error.missing.map((item) => item.debianPackage));
    process.stdout.write([...packages].map((name) => `${name}\n`).join(''));
  }
}
