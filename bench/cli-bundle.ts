/**
 * The `ecr-pull-canary` command as `npm run build` ships it: what a subcommand loads at start (dist/cli.mjs and the
 * chunks it imports statically), what only `preflight` loads (its SDK clients and the configuration's validation,
 * split off by esbuild and imported when run), and the start of `probe --help` and `preflight --help` next to a
 * bare `node`, in fresh processes, interleaved.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, CLI_CHUNK_DIR } from '../scripts/build.ts';
import { fmt, median, nodeStart } from './fixtures.ts';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export async function benchCliBundle(runs: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-bench-cli-'));
  try {
    const cli = await buildCli(join(dir, 'cli.mjs'));
    const entry = await readFile(cli, 'utf8');
    const chunks = await readdir(join(dir, CLI_CHUNK_DIR));
    const sizes = new Map<string, number>();
    for (const chunk of chunks) sizes.set(chunk, (await stat(join(dir, CLI_CHUNK_DIR, chunk))).size);
    // `from"./cli-chunks/…"`: the static imports of the minified entry.
    const atStart = [...entry.matchAll(new RegExp(`from"\\./${CLI_CHUNK_DIR}/([^"]+)"`, 'g'))].map(
      (m) => m[1] ?? '',
    );
    const startBytes = entry.length + atStart.reduce((sum, chunk) => sum + (sizes.get(chunk) ?? 0), 0);
    const allChunks = [...sizes.values()].reduce((sum, bytes) => sum + bytes, 0);
    // esbuild names a dynamically imported module's chunk after its file (lambda/commands/<command>/cli.ts): each
    // lazily loaded command's chunk is `cli-<hash>`, told apart by the usage line it holds.
    const lazy: Array<[string, number, string]> = [];
    for (const [chunk, bytes] of sizes) {
      if (!chunk.startsWith('cli-')) continue;
      const text = await readFile(join(dir, CLI_CHUNK_DIR, chunk), 'utf8');
      lazy.push([chunk, bytes, /Usage: ecr-pull-canary (\w+)/.exec(text)?.[1] ?? '?']);
    }
    const cases = {
      bare: ['-e', '0'],
      probe: [cli, 'probe', '--help'],
      preflight: [cli, 'preflight', '--help'],
    };
    const times: Record<keyof typeof cases, number[]> = { bare: [], probe: [], preflight: [] };
    for (const args of Object.values(cases)) await nodeStart(args);
    for (let i = 0; i < runs; i += 1) {
      for (const [name, args] of Object.entries(cases))
        times[name as keyof typeof cases].push((await nodeStart(args)).wallMs);
    }
    return [
      `CLI bundle (npm run build's dist/cli.mjs and dist/${CLI_CHUNK_DIR}/, ${runs} starts each, interleaved):`,
      `  dist/cli.mjs ${kib(entry.length)}; loaded at every start with its ${atStart.length} static chunk(s): ${kib(startBytes)}`,
      `  all ${chunks.length} chunks ${kib(allChunks)}; on demand: the SDK's other credential providers, and the` +
        ` commands loaded when run, with their clients and the configuration's validation (${lazy.map(([chunk, bytes, command]) => `${command}: ${chunk} ${kib(bytes)}`).join(', ')})`,
      `  node cli.mjs probe --help      median ${fmt(median(times.probe))}`,
      `  node cli.mjs preflight --help  median ${fmt(median(times.preflight))}`,
      `  bare node                      median ${fmt(median(times.bare))}`,
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
