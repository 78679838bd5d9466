import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { errorCodeOf, NETWORK_CODES } from '../../engine/probe/classify.ts';
import { DeadlineError, withDeadline as deadline } from '../../engine/probe/deadline.ts';
import type { ClientSettings } from './client-settings.ts';
import { OamClient } from './oam.ts';

/**
 * The read-only clients preflight uses, one per service and region, all with the deployer's credentials (the
 * SDK's default chain) and the SDK's endpoint variables (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_SSM, …). Each
 * request's socket gives up at the deadline too, so a hanging endpoint leaves no open connection behind.
 */
export class PreflightClients {
  private readonly made = new Map<string, { destroy(): void }>();

  constructor(private readonly timeoutMs: number) {}

  sts = (region: string) => this.client('sts', region, (c) => new STSClient(c));
  ssm = (region: string) => this.client('ssm', region, (c) => new SSMClient(c));
  ec2 = (region: string) => this.client('ec2', region, (c) => new EC2Client(c));
  sns = (region: string) => this.client('sns', region, (c) => new SNSClient(c));
  kms = (region: string) => this.client('kms', region, (c) => new KMSClient(c));
  cloudtrail = (region: string) => this.client('cloudtrail', region, (c) => new CloudTrailClient(c));
  /** Organizations has one endpoint per partition; the region only picks the partition. */
  organizations = (region: string) => this.client('organizations', region, (c) => new OrganizationsClient(c));
  oam = (region: string) => this.client('oam', region, (c) => new OamClient(c));

  destroy(): void {
    for (const client of this.made.values()) client.destroy();
    this.made.clear();
  }

  private client<T extends { destroy(): void }>(
    service: string,
    region: string,
    make: (config: ClientSettings) => T,
  ): T {
    const key = `${service} ${region}`;
    let client = this.made.get(key) as T | undefined;
    if (!client) {
      client = make({
        region,
        // One retry for a throttled or dropped call; the deadline bounds both attempts together.
        maxAttempts: 2,
        requestHandler: { connectionTimeout: this.timeoutMs, requestTimeout: this.timeoutMs },
      });
      this.made.set(key, client);
    }
    return client;
  }
}

/** An AWS call's outcome: its answer, or why there is none (the SDK's error name and message, or the deadline). */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'timeout' | 'unreachable' | 'denied' | 'error'; name: string; message: string };

/** Error names the services use for "your identity may not call this" (IAM, SCPs, KMS and SNS's own). */
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
]);

/**
 * Runs one AWS call under the probe's deadline (lambda/engine/probe/deadline.ts): the call is aborted and the outcome is
 * `timeout` when no answer came in `timeoutMs`, whatever the SDK's own retries and socket timeouts do. Never throws.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await deadline(call, timeoutMs, 'the call') };
  } catch (caught) {
    if (caught instanceof DeadlineError) {
      return { ok: false, kind: 'timeout', name: 'Timeout', message: `no answer within ${timeoutMs} ms` };
    }
    const error = caught as { name?: string; message?: string } | undefined;
    const message = oneLine(error?.message ?? String(caught));
    // DNS, refused, reset, TLS: the request never got an answer, as with a deadline; the credentials are not at fault.
    const code = errorCodeOf(caught);
    if (NETWORK_CODES.has(code)) return { ok: false, kind: 'unreachable', name: code, message };
    const name = error?.name ?? 'Error';
    return { ok: false, kind: DENIED.has(name) ? 'denied' : 'error', name, message };
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
