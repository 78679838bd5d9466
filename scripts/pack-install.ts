/**
 * The package as a user installs it: `npm pack` in this repository (its `prepack` builds dist/), then
 * `npm install --global --prefix PREFIX TARBALL` into an empty prefix, offline. The package test and the CLI
 * benchmark both start from here, so they run the installed command, not the repository's files.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface PackedFile {
  path: string;
  size: number;
}

export interface InstalledPackage {
  /** The tarball `npm pack` wrote. */
  tarball: string;
  /** npm's report of it: size, unpacked size, entry count and files. */
  packed: { filename: string; size: number; unpackedSize: number; entryCount: number; files: PackedFile[] };
  prefix: string;
  /** The installed package's directory. */
  installed: string;
  /** The installed `ecr-pull-canary` command (a link in PREFIX/bin). */
  command: string;
}

export interface NpmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** npm with its cache (and logs) under `work`, offline: the package needs nothing from a registry. */
export function npm(args: string[], work: string, cwd = root): Promise<NpmRun> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      [...args, '--cache', join(work, 'npm-cache'), '--no-audit', '--no-fund', '--offline'],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: work, TMPDIR: process.env.TMPDIR ?? '' },
        timeout: 300_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** Packs this repository into `work` and installs the tarball into `work/prefix`; throws with npm's output. */
export async function packAndInstall(work: string): Promise<InstalledPackage> {
  const pack = await npm(['pack', '--json', '--pack-destination', work], work);
  if (pack.code !== 0) throw new Error(`npm pack failed (${pack.code}):\n${pack.stderr}`);
  // The build's own lines come first on stdout; npm's JSON report is the last thing printed.
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.lastIndexOf('\n[\n') + 1));
  const tarball = join(work, packed.filename);
  const prefix = join(work, 'prefix');
  const install = await npm(['install', '--global', '--prefix', prefix, tarball], work);
  if (install.code !== 0)
    throw new Error(`npm install of ${tarball} failed (${install.code}):\n${install.stderr}`);
  return {
    tarball,
    packed,
    prefix,
    installed: join(prefix, 'lib', 'node_modules', packed.name ?? 'ecr-pull-canary'),
    command: join(prefix, 'bin', 'ecr-pull-canary'),
  };
}
