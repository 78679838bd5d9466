/**
 * The handler bundle as the construct builds it: its size, and its cold import time (a fresh `node` that
 * imports it, as a Lambda cold start does) next to a bare `node` start measured in the same run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleHandler } from '../lib/handler-bundling.ts';
import { fmt, median, verdict } from './fixtures.ts';

export const COLD_IMPORT_TARGET = 1.6;

export async function benchBundle(runs: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-bench-bundle-'));
  try {
    const file = join(dir, 'index.mjs');
    const { bytes } = await bundleHandler(file);
    const importIt = [
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(pathToFileURL(file).href)})`,
    ];
    const bare = ['--input-type=module', '-e', '0'];
    const importTimes: number[] = [];
    const bareTimes: number[] = [];
    await start(importIt);
    await start(bare);
    for (let i = 0; i < runs; i += 1) {
      importTimes.push(await start(importIt));
      bareTimes.push(await start(bare));
    }
    const ratio = median(importTimes) / median(bareTimes);
    return [
      `handler bundle (esbuild as deployed, ${runs} cold starts each, interleaved):`,
      `  size ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`,
      `  node + import bundle  median ${fmt(median(importTimes))}`,
      `  bare node             median ${fmt(median(bareTimes))}`,
      `  ratio ${ratio.toFixed(2)}x  target <= ${COLD_IMPORT_TARGET}x  ${verdict(ratio <= COLD_IMPORT_TARGET)}`,
      '  (five SDK clients: ECR, STS, CloudWatch, SNS, DynamoDB; the default credential chain swapped for the',
      '   Lambda environment provider. A naive esbuild bundle of three clients measures about 2.1-2.3x here.)',
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function start(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (error) => {
      if (error) reject(error);
      else resolve(performance.now() - started);
    });
  });
}
