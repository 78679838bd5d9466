import { type EcrDouble, startEcrDouble } from './ecr-double.ts';
import type { RegistryContext } from './registry-context.ts';
import { type RegistryFaultProxy, startProxyInFrontOf } from './registry-faults.ts';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const CANARY_KEYS = {
  accessKeyId: 'AKIACANARYTESTKEY001',
  secretAccessKey: 'canary-test-secret-key-0000000000000000',
  arn: `arn:aws:iam::${ACCOUNT}:user/canary`,
};
export const WORKLOAD_ROLE = `arn:aws:iam::${ACCOUNT}:role/eks-node-role`;

/** The ECR double and a fault proxy in front of the real registry, and the environment that points the SDK at them. */
export interface ProbeEnvironment {
  double: EcrDouble;
  proxy: RegistryFaultProxy;
  /** Variables a real host would have: credentials, region, and the SDK's standard endpoint overrides. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startProbeEnvironment(registry: RegistryContext): Promise<ProbeEnvironment> {
  const proxy = await startProxyInFrontOf(registry);
  const double = await startEcrDouble({
    identities: [CANARY_KEYS],
    registryPassword: registry.password,
    proxyEndpoint: proxy.url,
    assumableRoles: [WORKLOAD_ROLE],
  });
  const env = hostEnv(double.url);
  return {
    double,
    proxy,
    env,
    close: async () => {
      await Promise.all([double.close(), proxy.close()]);
    },
  };
}

/**
 * What a host gives the SDK: the canary's credentials and region, and the ECR and STS endpoints redirected to
 * the double through the SDK's standard variables.
 */
export function hostEnv(ecrAndStsUrl: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: CANARY_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CANARY_KEYS.secretAccessKey,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_ECR: ecrAndStsUrl,
    AWS_ENDPOINT_URL_STS: ecrAndStsUrl,
    // Keep the developer's own AWS setup and the instance metadata service out of the tests.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
  };
}

/** What a Lambda host gives the function besides the ECR double: the output endpoints and the test CA. */
export function functionHostEnv(
  world: ProbeEnvironment,
  caPath: string,
  outputs: { cloudwatch: { url: string }; sns: { url: string }; dynamodb: { url: string } },
): Record<string, string> {
  return {
    ...world.env,
    NODE_EXTRA_CA_CERTS: caPath,
    AWS_ENDPOINT_URL_CLOUDWATCH: outputs.cloudwatch.url,
    AWS_ENDPOINT_URL_SNS: outputs.sns.url,
    AWS_ENDPOINT_URL_DYNAMODB: outputs.dynamodb.url,
    AWS_LAMBDA_FUNCTION_NAME: 'ecr-pull-canary-probe',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/ecr-pull-canary-probe',
  };
}

/** Sets the variables for in-process SDK clients and returns a function that restores the previous ones. */
export function applyEnv(env: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  set(env);
  return () => set(previous);
}

/** Every form a secret could leak in: the password and the token (base64 of AWS:password). */
export function secretForms(password: string): string[] {
  return [password, Buffer.from(`AWS:${password}`).toString('base64')];
}
