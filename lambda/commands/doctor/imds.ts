import { request } from 'node:http';
import { RUNBOOKS } from '../../engine/model/runbooks.ts';
import type { CheckResult } from './check.ts';
import type { HostFacts } from './host.ts';

/** Where the AWS SDK looks for instance metadata (@smithy/credential-provider-imds): the same variables. */
export const IMDS_ENV = {
  endpoint: 'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  endpointMode: 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
  disabled: 'AWS_EC2_METADATA_DISABLED',
} as const;
const DEFAULT_ENDPOINT = { IPv4: 'http://169.254.169.254', IPv6: 'http://[fd00:ec2::254]' } as const;
const TOKEN_PATH = '/latest/api/token';
const ROLE_PATH = '/latest/meta-data/iam/security-credentials/';
/** The SDK asks for 6-hour tokens; the doctor needs one for a second, so asks for the minimum. */
const TOKEN_TTL_SECONDS = '60';

export interface ImdsSettings {
  endpoint: string;
  disabled: boolean;
}

export function imdsSettings(env: NodeJS.ProcessEnv): ImdsSettings {
  const disabled = env[IMDS_ENV.disabled];
  const mode = env[IMDS_ENV.endpointMode]?.toUpperCase() === 'IPV6' ? 'IPv6' : 'IPv4';
  return {
    endpoint: (env[IMDS_ENV.endpoint] || DEFAULT_ENDPOINT[mode]).replace(/\/+$/, ''),
    disabled: Boolean(disabled) && disabled !== 'false',
  };
}

/** One request's outcome: an HTTP status, no answer within the deadline, or a connection error. */
export type HttpOutcome =
  | { kind: 'status'; status: number; body: string }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string };

export interface ImdsObservation {
  endpoint: string;
  disabled: boolean;
  timeoutMs: number;
  /** PUT /latest/api/token: the IMDSv2 session token request. */
  token: HttpOutcome | null;
  /** GET of the role list without a token (IMDSv1): answers even when the token PUT's response is dropped. */
  plainGet: HttpOutcome | null;
  /** The instance profile's role name, from the role list (with the token when there is one). */
  role: string | null;
}

/**
 * Asks the metadata service what the SDK would ask, without fetching credentials: a token, then the role name.
 * Each request has `timeoutMs`; an absent service costs at most two of them.
 */
export async function observeImds(settings: ImdsSettings, timeoutMs: number): Promise<ImdsObservation> {
  const observation: ImdsObservation = {
    ...settings,
    timeoutMs,
    token: null,
    plainGet: null,
    role: null,
  };
  if (settings.disabled) return observation;
  const token = await imdsRequest(settings.endpoint, 'PUT', TOKEN_PATH, timeoutMs, {
    'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS,
  });
  // The session token is a credential for the metadata service: kept out of the observation.
  observation.token = token.kind === 'status' ? { kind: 'status', status: token.status, body: '' } : token;
  if (token.kind === 'status' && token.status === 200) {
    const roles = await imdsRequest(settings.endpoint, 'GET', ROLE_PATH, timeoutMs, {
      'x-aws-ec2-metadata-token': token.body,
    });
    observation.role = roleName(roles);
    return observation;
  }
  observation.plainGet = await imdsRequest(settings.endpoint, 'GET', ROLE_PATH, timeoutMs, {});
  observation.role = roleName(observation.plainGet);
  if (observation.plainGet.kind === 'status') observation.plainGet.body = '';
  return observation;
}

function roleName(outcome: HttpOutcome): string | null {
  if (outcome.kind !== 'status' || outcome.status !== 200) return null;
  const first = outcome.body.split('\n')[0]?.trim();
  return first && /^[\w+=,.@-]{1,128}$/.test(first) ? first : null;
}

function imdsRequest(
  endpoint: string,
  method: 'GET' | 'PUT',
  path: string,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    let url: URL;
    try {
      url = new URL(path, `${endpoint}/`);
    } catch {
      resolve({ kind: 'error', code: 'ERR_INVALID_URL' });
      return;
    }
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 64 * 1024) chunks.push(chunk);
      });
      res.on('end', () =>
        done({ kind: 'status', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error: NodeJS.ErrnoException) =>
        done({ kind: 'error', code: error.code ?? error.name }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      done({ kind: 'error', code: error.code ?? error.name }),
    );
    req.end();
  });
}

const answered = (outcome: HttpOutcome | null) => outcome?.kind === 'status';

function describe(outcome: HttpOutcome | null, timeoutMs: number): string {
  if (!outcome) return 'not sent';
  if (outcome.kind === 'status') return `HTTP ${outcome.status}`;
  if (outcome.kind === 'timeout') return `no answer within ${timeoutMs} ms`;
  return outcome.code;
}

/**
 * The IMDS verdict. What can be told apart from here: the token PUT answered (IMDSv2 works), the PUT timed out
 * while a plain GET was answered (the PUT response was dropped on its way back: the hop-limit symptom, since the
 * hop limit applies to the PUT response only), or nothing answered (no metadata service, or a route that blocks
 * it). Whether the host is EC2 and this process a container is inferred from `host`, and said to be inferred.
 */
export function imdsCheck(observation: ImdsObservation, host: HostFacts): CheckResult {
  const details = {
    endpoint: observation.endpoint,
    timeoutMs: observation.timeoutMs,
    token: describe(observation.token, observation.timeoutMs),
    plainGet: describe(observation.plainGet, observation.timeoutMs),
    role: observation.role,
    inContainer: host.inContainer,
    onEc2: host.onEc2,
  };
  const base = { id: 'imds' as const, details };
  if (observation.disabled) {
    return {
      ...base,
      status: 'skip',
      saw: `not asked: ${IMDS_ENV.disabled} is set, so the AWS SDK skips the instance metadata service`,
      fix: null,
      runbook: null,
    };
  }
  const token = observation.token;
  const where = `${observation.endpoint}`;
  const roleText = observation.role
    ? `instance role "${observation.role}"`
    : 'no instance role (no instance profile attached)';
  if (token?.kind === 'status' && token.status === 200) {
    return {
      ...base,
      status: 'pass',
      saw: `IMDSv2 token obtained from ${where}; ${roleText}`,
      fix: null,
      runbook: null,
    };
  }
  const container = host.inContainer.value === true;
  if (token?.kind === 'timeout' && answered(observation.plainGet)) {
    return {
      ...base,
      status: container ? 'fail' : 'warn',
      saw:
        `the IMDSv2 token request (PUT) got no answer within ${observation.timeoutMs} ms while a plain GET was answered (${describe(observation.plainGet, observation.timeoutMs)}): ` +
        `the PUT response is dropped on its way back, the symptom of an HttpPutResponseHopLimit of 1 seen from ${container ? 'a container' : 'behind an extra network hop'} (${host.inContainer.evidence}). ` +
        'The AWS SDK then waits out its own timeout and falls back to IMDSv1, which fails where IMDSv2 is required.',
      fix: 'Raise the hop limit to 2: aws ec2 modify-instance-metadata-options --instance-id <id> --http-put-response-hop-limit 2 --http-tokens required (or set it in the launch template); on EKS prefer IRSA or Pod Identity.',
      runbook: 'credentials',
    };
  }
  const onEc2 = host.onEc2.value === true;
  if (token?.kind === 'status' && !onEc2) {
    // Something answers at the metadata address, but this is no EC2 instance: another cloud's metadata service or
    // a proxy. EC2's metadata options are no advice here; the SDK's credentials must come from elsewhere.
    return {
      ...base,
      status: 'skip',
      saw: `${where} refused the IMDSv2 token request (HTTP ${token.status}), and this does not look like an EC2 instance (${host.onEc2.evidence}): what answered is not EC2's instance metadata service (another cloud's, or a proxy), and the AWS SDK gets no credentials from it`,
      fix: `Off EC2, give the SDK credentials another way (AWS_PROFILE, aws sso login, environment variables), and set ${IMDS_ENV.disabled}=true so it does not ask the metadata address at all; if a proxy answered, add 169.254.169.254 to NO_PROXY.`,
      runbook: null,
    };
  }
  if (token?.kind === 'status') {
    return {
      ...base,
      status: 'warn',
      saw: `the IMDSv2 token request was refused (HTTP ${token.status}) by ${where}; plain GET: ${describe(observation.plainGet, observation.timeoutMs)}`,
      fix: 'Check the instance metadata options (aws ec2 describe-instances --query "Reservations[].Instances[].MetadataOptions"), and any proxy between this process and 169.254.169.254 (NO_PROXY must include it).',
      runbook: 'credentials',
    };
  }
  // Nothing answered.
  const unreachable = `no answer from ${where} (token: ${describe(token, observation.timeoutMs)}, plain GET: ${describe(observation.plainGet, observation.timeoutMs)})`;
  if (!onEc2) {
    // Not an EC2 instance: the metadata service is not part of this host's pull path, so this is no pass.
    return {
      ...base,
      status: 'skip',
      saw: `${unreachable}; not needed here: this does not look like an EC2 instance (${host.onEc2.evidence})`,
      fix: null,
      runbook: null,
    };
  }
  return {
    ...base,
    status: 'warn',
    saw:
      `${unreachable}, although this looks like an EC2 instance (${host.onEc2.evidence})${container ? ` and this process runs in a container (${host.inContainer.evidence})` : ''}. ` +
      'The metadata endpoint is disabled, or a firewall, network policy or proxy blocks it; with a hop limit of 1 a plain GET would still be answered, so this is not the hop-limit symptom alone.',
    fix: `Enable the endpoint (--http-endpoint enabled) and let this process reach 169.254.169.254, or give it credentials another way. ${RUNBOOKS.credentials.fix}`,
    runbook: 'credentials',
  };
}
