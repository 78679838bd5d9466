import { request as httpRequest } from 'node:http';
import {
  ECRClient,
  type ECRClientConfig,
  GetAuthorizationTokenCommand,
  type GetAuthorizationTokenCommandOutput,
} from '@aws-sdk/client-ecr';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
// The SDK's retry strategy with a configurable wait (a transitive dependency of every client).
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DoubleIdentity,
  type EcrDouble,
  MESSAGES,
  startEcrDouble,
  toAmzDate,
} from './support/ecr-double.ts';

const ACCOUNT = '111122223333';
const PASSWORD = 'registry-password-with:colon';
const PROXY = `https://${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ecr-canary`;

const USER: DoubleIdentity = {
  accessKeyId: 'AKIACANARYUSER000001',
  secretAccessKey: 'user-secret-0000000000000000000000000000',
  arn: `arn:aws:iam::${ACCOUNT}:user/canary`,
};
const SESSION: DoubleIdentity = {
  accessKeyId: 'ASIACANARYSESSION001',
  secretAccessKey: 'session-secret-000000000000000000000000',
  sessionToken: 'session-token-abc',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-canary/preset`,
};

const TWENTY_MIN = 20 * 60 * 1000;

interface SdkError extends Error {
  code?: string;
  $fault?: string;
  $metadata: { httpStatusCode?: number; attempts?: number; clockSkewCorrected?: boolean; requestId?: string };
}

async function rejectionOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, it succeeded');
}

let double: EcrDouble;
const clients: Array<{ destroy(): void }> = [];

/** What every client in this file shares: the double's endpoint and the test user's keys. */
function clientDefaults() {
  return {
    region: 'eu-west-1',
    endpoint: double.url,
    credentials: { accessKeyId: USER.accessKeyId, secretAccessKey: USER.secretAccessKey },
    maxAttempts: 3,
  };
}

function ecr(config: Partial<ECRClientConfig> = {}): ECRClient {
  const client = new ECRClient({ ...clientDefaults(), ...config });
  clients.push(client);
  return client;
}

function sts(config: Partial<STSClientConfig> = {}): STSClient {
  const client = new STSClient({ ...clientDefaults(), ...config });
  clients.push(client);
  return client;
}

const token = (client: ECRClient): Promise<GetAuthorizationTokenCommandOutput> =>
  client.send(new GetAuthorizationTokenCommand({}));

beforeAll(async () => {
  double = await startEcrDouble({
    identities: [USER, SESSION],
    registryPassword: PASSWORD,
    proxyEndpoint: PROXY,
    assumableRoles: [ROLE],
  });
});

afterAll(async () => {
  await double.close();
});

beforeEach(() => {
  double.reset();
});

afterEach(() => {
  vi.unstubAllEnvs();
  for (const client of clients.splice(0)) client.destroy();
});

describe('GetAuthorizationToken', () => {
  it('issues base64("AWS:" + password) with proxyEndpoint and a 12-hour expiry', async () => {
    const out = await token(ecr());
    const data = out.authorizationData?.[0];
    expect(Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8')).toBe(`AWS:${PASSWORD}`);
    expect(data?.proxyEndpoint).toBe(PROXY);
    expect(data?.expiresAt).toBeInstanceOf(Date);
    const ttl = (data?.expiresAt?.getTime() ?? 0) - Date.now();
    expect(Math.abs(ttl - 12 * 3600_000)).toBeLessThan(5_000);
    expect(out.$metadata.attempts).toBe(1);
    expect(double.calls).toEqual([
      { service: 'ecr', operation: 'GetAuthorizationToken', accessKeyId: USER.accessKeyId, status: 200 },
    ]);
  });

  it('accepts session credentials with the matching session token', async () => {
    const client = ecr({
      credentials: {
        accessKeyId: SESSION.accessKeyId,
        secretAccessKey: SESSION.secretAccessKey,
        sessionToken: SESSION.sessionToken,
      },
    });
    const out = await token(client);
    expect(out.authorizationData?.[0]?.authorizationToken).toBe(
      Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
    );
  });

  it('is reachable through AWS_ENDPOINT_URL_ECR without an endpoint in code', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', double.url);
    const client = new ECRClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: USER.accessKeyId, secretAccessKey: USER.secretAccessKey },
      maxAttempts: 1,
    });
    clients.push(client);
    await token(client);
    expect(double.calls).toHaveLength(1);
  });
});

describe('SigV4 verification', () => {
  it('rejects a wrong secret as InvalidSignatureException without retrying', async () => {
    const client = ecr({ credentials: { accessKeyId: USER.accessKeyId, secretAccessKey: 'wrong' } });
    const error = await rejectionOf(token(client));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toBe(MESSAGES.ecrBadSignature);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(1);
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a tampered body signed for different bytes', async () => {
    const client = ecr({ maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown; headers: Record<string, string> };
        req.body = '{"registryIds":["999999999999"]}';
        req.headers['content-length'] = String(Buffer.byteLength(req.body as string));
        return next(args);
      },
      { step: 'deserialize', name: 'tamperBodyAfterSigning' },
    );
    const error = await rejectionOf(token(client));
    expect(error.name).toBe('InvalidSignatureException');
  });

  it('rejects an unknown access key as UnrecognizedClientException', async () => {
    const client = ecr({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } });
    const error = await rejectionOf(token(client));
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toBe(MESSAGES.invalidToken);
    expect(error.$metadata.attempts).toBe(1);
    expect(double.calls[0]?.accessKeyId).toBe('AKIAUNKNOWN000000000');
  });

  it('rejects a wrong or missing session token as UnrecognizedClientException', async () => {
    const wrong = ecr({
      credentials: {
        accessKeyId: SESSION.accessKeyId,
        secretAccessKey: SESSION.secretAccessKey,
        sessionToken: 'nope',
      },
    });
    expect((await rejectionOf(token(wrong))).name).toBe('UnrecognizedClientException');
    const missing = ecr({
      credentials: { accessKeyId: SESSION.accessKeyId, secretAccessKey: SESSION.secretAccessKey },
    });
    expect((await rejectionOf(token(missing))).name).toBe('UnrecognizedClientException');
    const unexpected = ecr({
      credentials: {
        accessKeyId: USER.accessKeyId,
        secretAccessKey: USER.secretAccessKey,
        sessionToken: 'extra',
      },
    });
    expect((await rejectionOf(token(unexpected))).name).toBe('UnrecognizedClientException');
  });

  it('answers an unsigned request with MissingAuthenticationTokenException, which the SDK parses', async () => {
    const client = ecr({ maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => async (args) => {
        delete (args.request as { headers: Record<string, string> }).headers.authorization;
        return next(args);
      },
      { step: 'deserialize', name: 'stripAuthorization' },
    );
    const error = await rejectionOf(token(client));
    expect(error.name).toBe('MissingAuthenticationTokenException');
    expect(double.calls[0]).toMatchObject({ accessKeyId: null, status: 400 });
  });

  it('answers an unknown X-Amz-Target with UnknownOperationException', async () => {
    const client = ecr({ maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-target'] =
          'AmazonEC2ContainerRegistry_V20150921.NoSuchOperation';
        return next(args);
      },
      // Before signing, so the request is well signed and fails only on the operation.
      { step: 'build', name: 'retarget' },
    );
    const error = await rejectionOf(token(client));
    expect(error.name).toBe('UnknownOperationException');
    expect(double.calls[0]?.operation).toBe('NoSuchOperation');
  });
});

describe('faults', () => {
  // The SDK's own retry decisions with its waits between attempts set to zero: a throttle backs off 0.5-2 s per
  // attempt, which proves nothing here (the probe's tests run with the real waits).
  const noWait = () => ({ retryStrategy: new ConfiguredRetryStrategy(3, 0) });

  it('throttle x2 then success: the SDK retries and succeeds on attempt 3', async () => {
    double.setFault({ kind: 'throttle', times: 2 });
    const out = await token(ecr(noWait()));
    expect(out.$metadata.attempts).toBe(3);
    expect(double.calls.map((c) => c.status)).toEqual([400, 400, 200]);
  });

  it('throttle forever: ThrottlingException after the SDK gives up', async () => {
    double.setFault({ kind: 'throttle', times: Number.POSITIVE_INFINITY });
    const error = await rejectionOf(token(ecr(noWait())));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata.attempts).toBe(3);
    expect(double.calls).toHaveLength(3);
  });

  it('access-denied names the caller and the action', async () => {
    double.setFault({ kind: 'access-denied' });
    const error = await rejectionOf(token(ecr()));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(
      `User: ${USER.arn} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
    );
    expect(error.$metadata.attempts).toBe(1);
  });

  it('access-denied does not mask an authentication failure', async () => {
    double.setFault({ kind: 'access-denied' });
    const client = ecr({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } });
    expect((await rejectionOf(token(client))).name).toBe('UnrecognizedClientException');
  });

  it('unrecognized-client and expired-token', async () => {
    double.setFault({ kind: 'unrecognized-client' });
    const unrecognized = await rejectionOf(token(ecr()));
    expect(unrecognized.name).toBe('UnrecognizedClientException');
    expect(unrecognized.message).toBe('The security token included in the request is invalid.');

    double.setFault({ kind: 'expired-token' });
    const expired = await rejectionOf(token(ecr()));
    expect(expired.name).toBe('ExpiredTokenException');
    expect(expired.message).toBe('The security token included in the request is expired');
    expect(expired.$metadata.attempts).toBe(1);
  });

  it('server-error once is retried; forever surfaces ServerException with 500', async () => {
    double.setFault({ kind: 'server-error', times: 1 });
    const out = await token(ecr());
    expect(out.$metadata.attempts).toBe(2);

    double.setFault({ kind: 'server-error', times: Number.POSITIVE_INFINITY });
    const error = await rejectionOf(token(ecr({ maxAttempts: 2 })));
    expect(error.name).toBe('ServerException');
    expect(error.$fault).toBe('server');
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect(error.$metadata.attempts).toBe(2);
  });

  it('hang ends with the client requestTimeout (throwOnRequestTimeout) and is recorded with status 0', async () => {
    double.setFault({ kind: 'hang' });
    const client = ecr({
      maxAttempts: 1,
      requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
    });
    const started = Date.now();
    const error = await rejectionOf(token(client));
    expect(error.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(double.calls).toEqual([
      { service: 'ecr', operation: 'GetAuthorizationToken', accessKeyId: USER.accessKeyId, status: 0 },
    ]);
  });

  it('hang: requestTimeout alone only warns, it does not end the call', async () => {
    double.setFault({ kind: 'hang' });
    const warnings: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (msg: string) => warnings.push(msg),
      error: () => {},
    };
    const client = ecr({ maxAttempts: 1, requestHandler: { requestTimeout: 100, logger } });
    const error = await rejectionOf(
      client.send(new GetAuthorizationTokenCommand({}), { abortSignal: AbortSignal.timeout(400) }),
    );
    expect(error.name).toBe('AbortError');
    expect(warnings.join('\n')).toContain('exceeded the configured 100 ms requestTimeout');
  });

  it('hang ends with an abortSignal', async () => {
    double.setFault({ kind: 'hang' });
    const started = Date.now();
    const error = await rejectionOf(
      ecr({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({}), {
        abortSignal: AbortSignal.timeout(200),
      }),
    );
    expect(error.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('close() ends hung requests promptly', async () => {
    const other = await startEcrDouble({
      identities: [USER],
      registryPassword: PASSWORD,
      proxyEndpoint: PROXY,
    });
    other.setFault({ kind: 'hang' });
    const outcome = new Promise<string>((resolve) => {
      const req = httpRequest(other.url, { method: 'POST', headers: { 'x-amz-target': 'x' } }, () =>
        resolve('response'),
      );
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end('{}');
    });
    await vi.waitFor(() => expect(other.calls).toHaveLength(1));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await outcome).toBe('ECONNRESET');
  });

  it('reset once is retried by the SDK as ECONNRESET; reset forever surfaces it', async () => {
    double.setFault({ kind: 'reset', times: 1 });
    const out = await token(ecr());
    expect(out.$metadata.attempts).toBe(2);
    expect(double.calls.map((c) => c.status)).toEqual([0, 200]);

    double.setFault({ kind: 'reset' });
    const error = await rejectionOf(token(ecr({ maxAttempts: 2 })));
    expect(error.code).toBe('ECONNRESET');
    expect(error.$metadata.attempts).toBe(2);
  });

  it('faults are per service and setFault(null) / reset() clear them', async () => {
    double.setFault({ kind: 'throttle', times: Number.POSITIVE_INFINITY }, { service: 'sts' });
    await token(ecr({ maxAttempts: 1 }));
    expect((await rejectionOf(sts({ maxAttempts: 1 }).send(new GetCallerIdentityCommand({})))).name).toBe(
      'Throttling',
    );

    double.setFault(null, { service: 'sts' });
    await sts({ maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));

    double.setFault({ kind: 'access-denied' });
    double.setClockOffsetMs(TWENTY_MIN);
    double.reset();
    expect(double.calls).toEqual([]);
    const out = await token(ecr({ maxAttempts: 1 }));
    expect(out.$metadata.attempts).toBe(1);
  });
});

describe('clock skew', () => {
  const amz = String.raw`\d{8}T\d{6}Z`;

  it.each([
    ['ahead', TWENTY_MIN],
    ['behind', -TWENTY_MIN],
  ])(
    'server %s by 20 min: skew error, then the SDK corrects its offset and succeeds',
    async (_label, offset) => {
      double.setClockOffsetMs(offset);
      const client = ecr();
      const out = await token(client);
      expect(out.$metadata.attempts).toBe(2);
      expect(double.calls.map((c) => c.status)).toEqual([400, 200]);
      // serverTime - receivedAt; the Date header truncates to whole seconds.
      expect(Math.abs((client.config.systemClockOffset ?? 0) - offset)).toBeLessThan(2_500);

      const again = await token(client);
      expect(again.$metadata.attempts).toBe(1);
    },
  );

  it('server ahead: "Signature expired" with the real message shape', async () => {
    double.setClockOffsetMs(TWENTY_MIN);
    const error = await rejectionOf(token(ecr({ maxAttempts: 1 })));
    expect(error.name).toBe('InvalidSignatureException');
    const m = new RegExp(
      `^Signature expired: (${amz}) is now earlier than (${amz}) \\((${amz}) - 15 min\\.\\)$`,
    ).exec(error.message);
    expect(m).not.toBeNull();
    const [, signed, limit, serverNow] = m as unknown as [string, string, string, string];
    expect(limit).toBe(toAmzDate(Date.parse(isoOf(serverNow)) - 15 * 60_000));
    expect(Date.parse(isoOf(serverNow)) - Date.parse(isoOf(signed))).toBeGreaterThan(TWENTY_MIN - 2_000);
    expect(error.$metadata.clockSkewCorrected).toBe(true);
  });

  it('server behind: "Signature not yet current" with the real message shape', async () => {
    double.setClockOffsetMs(-TWENTY_MIN);
    const error = await rejectionOf(token(ecr({ maxAttempts: 1 })));
    expect(error.name).toBe('InvalidSignatureException');
    const m = new RegExp(
      `^Signature not yet current: (${amz}) is still later than (${amz}) \\((${amz}) \\+ 15 min\\.\\)$`,
    ).exec(error.message);
    expect(m).not.toBeNull();
    const [, , limit, serverNow] = m as unknown as [string, string, string, string];
    expect(limit).toBe(toAmzDate(Date.parse(isoOf(serverNow)) + 15 * 60_000));
  });

  it('within 15 min is accepted first time, and the SDK still adopts the offset from Date', async () => {
    double.setClockOffsetMs(10 * 60_000);
    const client = ecr();
    const out = await token(client);
    expect(out.$metadata.attempts).toBe(1);
    expect(Math.abs((client.config.systemClockOffset ?? 0) - 10 * 60_000)).toBeLessThan(2_500);
  });

  it('at >= 4 min skew the SDK flags clockSkewCorrected on any error and retries it, even AccessDenied', async () => {
    // Each response re-derives the offset from a 1-second-resolution Date header, so it almost never equals
    // the previous one, and the SDK treats that "correction" as a transient error.
    double.setClockOffsetMs(10 * 60_000);
    double.setFault({ kind: 'access-denied' });
    const error = await rejectionOf(token(ecr()));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.clockSkewCorrected).toBe(true);
    expect(error.$metadata.attempts).toBeGreaterThanOrEqual(2);

    double.setClockOffsetMs(0);
    const unskewed = await rejectionOf(token(ecr()));
    expect(unskewed.$metadata.clockSkewCorrected).toBeUndefined();
    expect(unskewed.$metadata.attempts).toBe(1);
  });

  it('every response carries Date from the double clock', async () => {
    double.setClockOffsetMs(-TWENTY_MIN);
    const res = await fetch(double.url, { method: 'POST', body: '{}' });
    const date = Date.parse(res.headers.get('date') ?? '');
    expect(Math.abs(date - (Date.now() - TWENTY_MIN))).toBeLessThan(2_000);
  });

  it('STS 20 min off: SignatureDoesNotMatch is corrected and retried too', async () => {
    double.setClockOffsetMs(TWENTY_MIN);
    const client = sts();
    const out = await client.send(new GetCallerIdentityCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    expect(double.calls.map((c) => c.status)).toEqual([403, 200]);

    double.reset();
    double.setClockOffsetMs(-TWENTY_MIN);
    const error = await rejectionOf(sts({ maxAttempts: 1 }).send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.message).toMatch(/^Signature not yet current: /);
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});

describe('STS', () => {
  it('GetCallerIdentity returns the identity ARN, account and a user id', async () => {
    const out = await sts().send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toBe(USER.arn);
    expect(out.Account).toBe(ACCOUNT);
    expect(out.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(double.calls).toEqual([
      { service: 'sts', operation: 'GetCallerIdentity', accessKeyId: USER.accessKeyId, status: 200 },
    ]);
  });

  it('AssumeRole issues session credentials that ECR and STS then accept as the assumed role', async () => {
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'canary-run' }));
    const creds = out.Credentials;
    expect(creds?.AccessKeyId).toMatch(/^ASIA/);
    expect(creds?.Expiration).toBeInstanceOf(Date);
    expect(Math.abs((creds?.Expiration?.getTime() ?? 0) - (Date.now() + 3600_000))).toBeLessThan(5_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/ecr-canary/canary-run`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:canary-run$/);

    const credentials = {
      accessKeyId: creds?.AccessKeyId ?? '',
      secretAccessKey: creds?.SecretAccessKey ?? '',
      sessionToken: creds?.SessionToken ?? '',
    };
    const who = await sts({ credentials }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(out.AssumedRoleUser?.Arn);
    expect(who.UserId).toBe(out.AssumedRoleUser?.AssumedRoleId);
    await token(ecr({ credentials }));
    expect(double.calls.at(-1)).toMatchObject({ accessKeyId: credentials.accessKeyId, status: 200 });

    double.setFault({ kind: 'access-denied' });
    const denied = await rejectionOf(token(ecr({ credentials })));
    expect(denied.message).toContain(`User: ${out.AssumedRoleUser?.Arn} is not authorized`);

    const { sessionToken: _dropped, ...withoutToken } = credentials;
    expect((await rejectionOf(token(ecr({ credentials: withoutToken })))).name).toBe(
      'UnrecognizedClientException',
    );
  });

  it('assumed-role credentials expire on the double clock', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'short', DurationSeconds: 900 }),
    );
    const credentials = {
      accessKeyId: out.Credentials?.AccessKeyId ?? '',
      secretAccessKey: out.Credentials?.SecretAccessKey ?? '',
      sessionToken: out.Credentials?.SessionToken ?? '',
    };
    // 16 min is also past the signing window, so the SDK first corrects its clock, then meets the expiry.
    double.setClockOffsetMs(16 * 60_000);
    const error = await rejectionOf(token(ecr({ credentials, maxAttempts: 2 })));
    expect(error.name).toBe('ExpiredTokenException');
    expect(error.$metadata.attempts).toBe(2);
    expect(double.calls.map((c) => c.status)).toEqual([200, 400, 400]);
  });

  it('access-denied fault denies AssumeRole of a listed role but never GetCallerIdentity', async () => {
    double.setFault({ kind: 'access-denied' }, { service: 'sts' });
    const client = sts({ maxAttempts: 1 });
    const who = await client.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(USER.arn);
    const error = await rejectionOf(
      client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'x' })),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe(
      `User: ${USER.arn} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    );
  });

  it('answers the query-protocol error XML for bad keys and signatures', async () => {
    const unknown = await rejectionOf(
      sts({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(unknown.name).toBe('InvalidClientTokenId');
    expect(unknown.$metadata.httpStatusCode).toBe(403);

    const badSig = await rejectionOf(
      sts({ credentials: { accessKeyId: USER.accessKeyId, secretAccessKey: 'wrong' } }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(badSig.name).toBe('SignatureDoesNotMatch');
    expect(badSig.message).toBe(MESSAGES.stsBadSignature);
    expect(badSig.$metadata.attempts).toBe(1);

    const raw = await fetch(double.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(raw.status).toBe(403);
    expect(await raw.text()).toMatch(
      /<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>MissingAuthenticationToken<\/Code>\s*<Message>[^<]+<\/Message>\s*<\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/,
    );
  });

  it('STS faults: ExpiredToken, InvalidClientTokenId, InternalFailure, unparseable body', async () => {
    const call = () => sts({ maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));
    double.setFault({ kind: 'expired-token' }, { service: 'sts' });
    expect((await rejectionOf(call())).name).toBe('ExpiredToken');
    double.setFault({ kind: 'unrecognized-client' }, { service: 'sts' });
    expect((await rejectionOf(call())).name).toBe('InvalidClientTokenId');
    double.setFault({ kind: 'server-error', times: 1 }, { service: 'sts' });
    const internal = await rejectionOf(call());
    expect(internal.name).toBe('InternalFailure');
    expect(internal.$metadata.httpStatusCode).toBe(500);
    double.setFault({ kind: 'malformed-token' }, { service: 'sts' });
    const malformed = await rejectionOf(call());
    expect(malformed.message).toContain('XML parse error');
    expect(malformed.$metadata.httpStatusCode).toBe(200);
  });
});

function isoOf(amzDate: string): string {
  return amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
}
