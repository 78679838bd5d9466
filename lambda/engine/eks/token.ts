/**
 * The bearer token an EKS cluster's API server accepts from an IAM principal, built locally: no call to STS or
 * EKS. It is `k8s-aws-v1.` + base64url (no padding) of a presigned STS `GetCallerIdentity` URL whose signature
 * covers the `x-k8s-aws-id` header with the cluster's name. The cluster's authenticator decodes it, checks the
 * URL (https, an STS host of its partition, path `/`, only the presign query keys, action GetCallerIdentity, the
 * cluster header signed, X-Amz-Expires 0-900, X-Amz-Date no older than 15 minutes), then sends the request to
 * STS with its own cluster name in that header: a token minted for another cluster fails STS's signature check.
 * (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go, `Verify` and `GetWithOptions`.)
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { NodeSha256 } from '../aws/node-sha256.ts';
import { regionPartition } from '../model/regions.ts';

export const EKS_TOKEN = {
  prefix: 'k8s-aws-v1.',
  /** The header that binds the token to one cluster; signed, never hoisted into the query. */
  clusterHeader: 'x-k8s-aws-id',
  /** What the authenticator's own client puts in X-Amz-Expires; STS ignores it (the token lives 15 minutes). */
  presignExpiresSeconds: 60,
  /** A token is accepted until this long after its X-Amz-Date. */
  validMs: 15 * 60_000,
  /** The authenticator refuses longer tokens. */
  maxChars: 4096,
  /** The STS API version of the presigned call. */
  stsVersion: '2011-06-15',
} as const;

export interface EksToken {
  token: string;
  /** When the cluster stops accepting it (ms since the epoch). */
  expiresAtMs: number;
}

/** The regional STS endpoint host the token is presigned for, in the region's partition. */
export function stsHost(region: string): string {
  return `sts.${region}.${regionPartition(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/**
 * Mints the token for `clusterName` with the SDK's SigV4 signer. The credentials' secret never leaves this
 * function; the token itself is a bearer credential for 15 minutes and is only ever sent to the cluster's
 * endpoint (never logged).
 */
export async function mintEksToken(options: {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
  nowMs: number;
}): Promise<EksToken> {
  const host = stsHost(options.region);
  const signer = new SignatureV4({
    service: 'sts',
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  const signingDate = new Date(Math.floor(options.nowMs / 1000) * 1000);
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: EKS_TOKEN.stsVersion },
      headers: { host, [EKS_TOKEN.clusterHeader]: options.clusterName },
    },
    { expiresIn: EKS_TOKEN.presignExpiresSeconds, signingDate },
  );
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (one) => `${encodeURIComponent(key)}=${encodeURIComponent(String(one))}`,
      ),
    )
    .join('&');
  const url = `https://${host}/?${query}`;
  return {
    token: `${EKS_TOKEN.prefix}${Buffer.from(url, 'utf8').toString('base64url')}`,
    expiresAtMs: signingDate.getTime() + EKS_TOKEN.validMs,
  };
}
