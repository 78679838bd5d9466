import { STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ClientSettings } from '../../engine/aws/call.ts';
import { NodeSha256 } from '../../engine/aws/node-sha256.ts';
import { regionPartition } from '../../engine/model/regions.ts';

/**
 * CloudWatch Observability Access Manager, the two read calls preflight makes (GetSink, GetSinkPolicy), signed
 * with SigV4 by the SDK's own signer and the deployer's credentials (the SDK's default chain).
 *
 * Why not @aws-sdk/client-oam: the newest published version (3.332.0) pins a whole SDK generation of its own,
 * which would put a second copy of the SDK's core into the command for two calls. OAM is REST-JSON: `POST
 * /GetSink` with `{"Identifier": ARN}`, `POST /GetSinkPolicy` with `{"SinkIdentifier": ARN}`; errors name
 * themselves in `x-amzn-ErrorType` (https://docs.aws.amazon.com/OAM/latest/APIReference/API_GetSink.html).
 */
export class OamClient {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;
  private readonly credentialSource: STSClient;

  constructor(private readonly settings: ClientSettings) {
    // The STS client is never called: it resolves the default credential chain exactly as every other client does.
    this.credentialSource = new STSClient({ region: settings.region });
    this.signer = new SignatureV4({
      service: 'oam',
      region: settings.region,
      credentials: () => this.credentialSource.config.credentials(),
      sha256: NodeSha256,
    });
    this.endpoint = new URL(oamEndpoint(settings.region, process.env));
  }

  getSink(identifier: string, abortSignal?: AbortSignal): Promise<OamSink> {
    return this.post('GetSink', { Identifier: identifier }, abortSignal) as Promise<OamSink>;
  }

  getSinkPolicy(sinkIdentifier: string, abortSignal?: AbortSignal): Promise<{ Policy?: string }> {
    return this.post('GetSinkPolicy', { SinkIdentifier: sinkIdentifier }, abortSignal) as Promise<{
      Policy?: string;
    }>;
  }

  destroy(): void {
    this.credentialSource.destroy();
  }

  private async post(operation: string, input: unknown, abortSignal?: AbortSignal): Promise<unknown> {
    const body = JSON.stringify(input);
    const path = `${this.endpoint.pathname.replace(/\/$/, '')}/${operation}`;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      ...(this.endpoint.port ? { port: Number(this.endpoint.port) } : {}),
      path,
      query: {},
      headers: { host: this.endpoint.host, 'content-type': 'application/json' },
      body,
    });
    const response = await fetch(new URL(path, this.endpoint), {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.any([
        ...(abortSignal ? [abortSignal] : []),
        AbortSignal.timeout(this.settings.requestHandler.requestTimeout),
      ]),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (response.ok) return json;
    const type = response.headers.get('x-amzn-errortype') ?? String(json.__type ?? json.code ?? 'Error');
    const error = new Error(String(json.message ?? json.Message ?? `HTTP ${response.status}`));
    // `ResourceNotFoundException:http://internal.amazon.com/…` and `com.amazonaws.oam#…` both name the error.
    error.name = type.split(':')[0]?.split('#').pop() || 'Error';
    throw error;
  }
}

export interface OamSink {
  Arn?: string;
  Id?: string;
  Name?: string;
}

/** The SDK's endpoint variables for OAM (service ID "OAM"), else the regional endpoint of the region's partition. */
function oamEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  const override = env.AWS_ENDPOINT_URL_OAM || env.AWS_ENDPOINT_URL;
  if (override) return override;
  return `https://oam.${region}.${regionPartition(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}
