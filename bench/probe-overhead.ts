/**
 * Probe overhead: the median wall time of a full probe (token, identity, manifest, digest and platform
 * checks, and the layer phase) next to the three raw HTTP requests a pull cannot avoid: a SigV4-signed
 * GetAuthorizationToken POST, the manifest GET and one ranged blob GET (`Range: bytes=0-0`, the layer the probe
 * reads), each on a fresh connection. The probe also fetches the platform manifest of the index, which the raw
 * side skips by knowing the layer's digest in advance.
 */
// The SDK's own signer and hash, without its client stack: the cheapest correct way to sign the raw request.

import http from 'node:http';
import https from 'node:https';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { resolveTarget } from '../lambda/engine/model/target.ts';
import { createAwsClientFactory } from '../lambda/engine/probe/aws-clients.ts';
import { MANIFEST_MEDIA_TYPES } from '../lambda/engine/probe/manifest.ts';
import { probeTargets } from '../lambda/engine/probe/probe.ts';
import { CANARY_KEYS, REGION } from '../test/support/probe-env.ts';
import { type BenchWorld, fmt, median, seededLayerDigest, timeEach, verdict } from './fixtures.ts';

export const PROBE_OVERHEAD_TARGET = 1.25;

export async function benchProbeOverhead(world: BenchWorld, runs: number): Promise<string[]> {
  const { probeEnv, context, image } = world;
  const target = resolveTarget(
    {
      image: `${image.repository}:${image.tag}`,
      registryUrl: probeEnv.proxy.url,
      platforms: ['linux/arm64'],
    },
    REGION,
  );
  const clients = createAwsClientFactory();
  const probeOnce = async () => {
    const [result] = await probeTargets(
      [target],
      { defaultRegion: REGION, ca: context.caPem },
      { clients, now: Date.now },
    );
    if (!result?.ok) throw new Error(`probe failed during the benchmark: ${result?.message}`);
    if (result.layer?.digest !== layerDigest)
      throw new Error(`the probe read ${result.layer?.digest}, not ${layerDigest}`);
    layerTimes.push(result.timings.layerMs ?? 0);
  };
  const layerTimes: number[] = [];
  const layerDigest = seededLayerDigest('arm64');

  const signer = new SignatureV4({
    credentials: { accessKeyId: CANARY_KEYS.accessKeyId, secretAccessKey: CANARY_KEYS.secretAccessKey },
    region: REGION,
    service: 'ecr',
    sha256: Sha256,
  });
  const tokenUrl = new URL(probeEnv.double.url);
  const rawOnce = async () => {
    const body = '{}';
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: tokenUrl.hostname,
      port: Number(tokenUrl.port),
      path: '/',
      headers: {
        host: tokenUrl.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
      },
      body,
    });
    const tokenBody = await request(http, tokenUrl, { method: 'POST', headers: signed.headers }, body);
    const token = JSON.parse(tokenBody).authorizationData[0].authorizationToken as string;
    await request(https, new URL(`${probeEnv.proxy.url}/v2/${image.repository}/manifests/${image.tag}`), {
      headers: { Authorization: `Basic ${token}`, Accept: MANIFEST_MEDIA_TYPES.join(', ') },
      ca: context.caPem,
    });
    await request(https, new URL(`${probeEnv.proxy.url}/v2/${image.repository}/blobs/${layerDigest}`), {
      headers: { Authorization: `Basic ${token}`, Range: 'bytes=0-0' },
      ca: context.caPem,
    });
  };

  // Warm both paths (JIT, SDK lazy loading) before measuring; the canary's own runs are warm too after the first.
  await timeEach(3, probeOnce);
  await timeEach(3, rawOnce);
  const probeTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    // Interleaved so that machine noise hits both alike.
    probeTimes.push(...(await timeEach(1, probeOnce)));
    rawTimes.push(...(await timeEach(1, rawOnce)));
  }
  const ratio = median(probeTimes) / median(rawTimes);
  return [
    `probe overhead (${runs} runs each, interleaved, loopback):`,
    `  full probe (token, identity, manifest, checks, layer phase)          median ${fmt(median(probeTimes))}`,
    `    of which the layer phase (platform manifest + ranged blob GET)    median ${fmt(median(layerTimes.slice(-runs)))}`,
    `  three raw HTTP requests (signed POST + manifest GET + ranged blob)  median ${fmt(median(rawTimes))}`,
    `  ratio ${ratio.toFixed(2)}x  target <= ${PROBE_OVERHEAD_TARGET}x  ${verdict(ratio <= PROBE_OVERHEAD_TARGET)}`,
  ];
}

function request(
  transport: typeof http | typeof https,
  url: URL,
  options: https.RequestOptions,
  body?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { agent: false, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400)
          reject(new Error(`${url.pathname}: ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve(text);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
