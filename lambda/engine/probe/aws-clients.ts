import { ECRClient } from '@aws-sdk/client-ecr';
import { STSClient } from '@aws-sdk/client-sts';

/** Static credentials, as AssumeRole returns them. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Builds the SDK clients the probe uses; injected so the handler can keep them warm and tests can point them. */
export interface AwsClientFactory {
  ecr(region: string, credentials?: StaticCredentials): ECRClient;
  sts(region: string, credentials?: StaticCredentials): STSClient;
}

export interface AwsClientOptions {
  /** Attempts per SDK call, the SDK's retries included. @default 3 (the SDK's standard mode) */
  maxAttempts?: number;
  /** Per-attempt socket deadline; the probe's phase deadline bounds the whole call. @default 5000 */
  requestTimeoutMs?: number;
}

/**
 * Default-chain clients are cached per region so a warm Lambda reuses connections and the SDK's learned clock
 * offset; clients for explicit (assumed-role) credentials are new each time and the caller destroys them.
 * Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, …).
 */
export function createAwsClientFactory(options: AwsClientOptions = {}): AwsClientFactory {
  const { maxAttempts = 3, requestTimeoutMs = 5000 } = options;
  const common = {
    maxAttempts,
    // Without throwOnRequestTimeout the SDK only warns when requestTimeout passes and keeps waiting.
    requestHandler: {
      connectionTimeout: requestTimeoutMs,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
  const ecrClients = new Map<string, ECRClient>();
  const stsClients = new Map<string, STSClient>();
  return {
    ecr(region, credentials) {
      if (credentials) return new ECRClient({ region, ...common, credentials });
      let client = ecrClients.get(region);
      if (!client) {
        client = new ECRClient({ region, ...common });
        ecrClients.set(region, client);
      }
      return client;
    },
    sts(region, credentials) {
      if (credentials) return new STSClient({ region, ...common, credentials });
      let client = stsClients.get(region);
      if (!client) {
        client = new STSClient({ region, ...common });
        stsClients.set(region, client);
      }
      return client;
    },
  };
}
