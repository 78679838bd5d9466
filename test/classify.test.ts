import { describe, expect, it } from 'vitest';
import {
  classifyAwsError,
  classifyNetworkError,
  classifyRegistryResponse,
} from '../lambda/engine/probe/classify.ts';

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('classifyAwsError', () => {
  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers', 'credentials'],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.', 'auth'],
    ['ExpiredTokenException', 'The security token included in the request is expired', 'auth'],
    ['InvalidSignatureException', 'The request signature we calculated does not match', 'auth'],
    [
      'InvalidSignatureException',
      'Signature expired: 20261126T230000Z is now earlier than 20261126T231500Z (20261126T233000Z - 15 min.)',
      'clock-skew',
    ],
    [
      'InvalidSignatureException',
      'Signature not yet current: 20261127T000000Z is still later than …',
      'clock-skew',
    ],
    [
      'AccessDeniedException',
      'User: arn:aws:iam::1:user/x is not authorized to perform: ecr:GetAuthorizationToken',
      'permission',
    ],
    ['ThrottlingException', 'Rate exceeded', 'throttle'],
    ['LimitExceededException', 'quota', 'throttle'],
    ['RepositoryNotFoundException', "The repository with name 'x' does not exist", 'not-found'],
    ['SomethingNew', 'odd', 'unknown'],
  ])('%s (%s) is %s', (name, message, category) => {
    const failure = classifyAwsError(awsError(name, message), 'token');
    expect(failure.category).toBe(category);
    expect(failure.code).toBe(name);
    expect(failure.phase).toBe('token');
  });

  it('treats a ServerException and any 5xx as service', () => {
    expect(classifyAwsError(awsError('ServerException', 'boom', 500), 'token').category).toBe('service');
    expect(classifyAwsError(awsError('Unknown', 'bad gateway', 502), 'token').category).toBe('service');
  });

  it('finds network codes in the cause chain', () => {
    const error = Object.assign(new Error('socket hang up'), {
      name: 'TimeoutError',
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    const failure = classifyAwsError(error, 'token');
    expect(failure.category).toBe('network');
    expect(failure.code).toBe('ECONNRESET');
  });
});

describe('classifyRegistryResponse', () => {
  const body = (code: string, message: string) => JSON.stringify({ errors: [{ code, message }] });

  it.each([
    [401, 'Not Authorized', 'auth', 'HTTP_401'],
    [
      403,
      body('DENIED', 'Your authorization token has expired. Reauthenticate and try again.'),
      'auth',
      'DENIED',
    ],
    [
      403,
      body('DENIED', 'User: arn:aws:iam::1:role/r is not authorized to perform: ecr:BatchGetImage'),
      'permission',
      'DENIED',
    ],
    [404, body('NAME_UNKNOWN', 'repository name not known to registry'), 'not-found', 'NAME_UNKNOWN'],
    [404, body('MANIFEST_UNKNOWN', 'Requested image not found'), 'not-found', 'MANIFEST_UNKNOWN'],
    [429, body('TOOMANYREQUESTS', 'Rate exceeded'), 'throttle', 'TOOMANYREQUESTS'],
    [503, 'Service Unavailable', 'service', 'HTTP_503'],
    [418, '', 'unknown', 'HTTP_418'],
  ])('%i %s is %s', (status, text, category, code) => {
    const failure = classifyRegistryResponse(status, text, 'manifest');
    expect(failure.category).toBe(category);
    expect(failure.code).toBe(code);
    expect(failure.message).toContain(String(status));
  });
});

describe('classifyNetworkError', () => {
  it('keeps the node error code', () => {
    const failure = classifyNetworkError(
      Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }),
      'manifest',
    );
    expect(failure).toMatchObject({ category: 'network', code: 'ENOTFOUND', phase: 'manifest' });
  });
});
