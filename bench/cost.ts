/**
 * The modelled monthly cost per region next to CloudWatch Synthetics, as `npm run cost` prints it: the model
 * reads the synthesized templates, so the benchmark runs that script rather than keeping a second copy of it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function benchCost(): Promise<string[]> {
  const script = fileURLToPath(new URL('../scripts/cost.ts', import.meta.url));
  const { stdout, code } = await new Promise<{ stdout: string; code: number }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script], { timeout: 300_000 }, (error, out) =>
      resolve({ stdout: out, code: error ? Number(error.code ?? 1) : 0 }),
    );
  });
  return [
    'modelled monthly cost per account and region (npm run cost; target <= $1.50 for the seeded image plus one target, Synthetics ~ $11.8):',
    ...stdout
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
    ...(code === 0 ? [] : [`  (npm run cost exited ${code})`]),
  ];
}
