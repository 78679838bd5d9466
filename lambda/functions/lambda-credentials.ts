/**
 * The credential chain of the deployed function. Lambda always hands the function its role's credentials in
 * these environment variables, so the SDK's full default chain (SSO, INI files, process, web identity, ECS,
 * IMDS, with their nested STS/SSO clients: about a fifth of the bundle) is never used there. The bundler
 * swaps it for this module (see lib/handler-bundling.ts); the CLI keeps the full chain.
 */
interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Same name and shape as `@aws-sdk/credential-provider-node`'s export, which SDK clients import. */
export function defaultProvider(): () => Promise<EnvCredentials> {
  return async () => {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION } =
      process.env;
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
      // The same name the SDK's chain throws, so the probe classifies it as a credentials failure either way.
      throw Object.assign(new Error('Could not load credentials from any providers (Lambda environment)'), {
        name: 'CredentialsProviderError',
      });
    }
    return {
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
      ...(AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(AWS_CREDENTIAL_EXPIRATION) } : {}),
    };
  };
}
