// A local CloudWatch endpoint for the function's PutMetricData (lambda/engine/outputs/cloudwatch-sink.ts), driven by
// the real @aws-sdk/client-cloudwatch over HTTP, and the harness the SNS and DynamoDB doubles share.
//
// The installed client (3.1164.x) speaks AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`,
// `x-amzn-query-mode: true`) and reads error codes query-compatibly: the `x-amzn-query-error: <Code>;<Type>`
// header wins over the body's `__type`, which is how `AccessDenied` (not `AccessDeniedException`) reaches
// `error.name`. The SNS client still speaks the AWS query protocol (form-encoded `Action=…`, XML answers), so the
// harness decodes both; each service model accepts only the protocol its installed client uses.
//
// The CloudWatch model takes what the sink sends (Namespace; MetricData of MetricName, Dimensions, Value, Unit,
// Timestamp; gzip once the body passes the client's 10 KiB compression threshold), refuses what CloudWatch would
// refuse in it, and refuses every other member with a message naming this file.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { trackServerSockets } from './close-server.ts';

export type AwsDoubleFault =
  | { kind: 'access-denied' }
  /** 500 and 503 get the service's error; statuses it has no body for (502, 504, …) get an empty body, as a load
   * balancer in front of it would send. */
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | null;

export type WireProtocol = 'json' | 'query';

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export interface LoggedRequest {
  at: Date;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Decoded text of the body (after gunzip when `content-encoding: gzip`). */
  body: string;
  protocol: WireProtocol;
  operation: string | undefined;
  credential: CredentialScope | undefined;
  /** HTTP status sent, the network fault applied instead of a response, or `pending` while neither. */
  outcome: number | 'hang' | 'reset' | 'pending';
}

/** One error as the service would send it; `code`/`type` are the query-protocol pair, `jsonType` the JSON `__type`. */
export interface ServiceError {
  status: number;
  code: string;
  type: 'Sender' | 'Receiver';
  message: string;
  jsonType: string;
}

export type OperationResult =
  | { ok: true; json: Record<string, unknown>; xmlResult: string }
  | { ok: false; error: ServiceError | null; status?: number };

export interface ServiceModel {
  signingName: string;
  xmlNamespace: string;
  jsonTargetPrefix: string;
  jsonContentType: string;
  faultError(
    fault: Exclude<AwsDoubleFault, null | { kind: 'hang' } | { kind: 'reset' }>,
    operation: string,
    params: Record<string, unknown>,
  ): ServiceError | null;
  handle(operation: string, params: Record<string, unknown>, protocol: WireProtocol): OperationResult;
}

export interface AwsDouble {
  url: string;
  requests: LoggedRequest[];
  setFault(fault: AwsDoubleFault): void;
  close(): Promise<void>;
}

export const CALLER_ARN = 'arn:aws:sts::123456789012:assumed-role/ecr-pull-canary/canary';

const coral = (name: string) => `com.amazon.coral.service#${name}`;

function authError(kind: 'missing' | 'incomplete' | 'scope', detail: string): ServiceError {
  switch (kind) {
    case 'missing':
      return {
        status: 403,
        code: 'MissingAuthenticationToken',
        type: 'Sender',
        message: 'Request is missing Authentication Token',
        jsonType: coral('MissingAuthenticationTokenException'),
      };
    case 'incomplete':
      return {
        status: 400,
        code: 'IncompleteSignature',
        type: 'Sender',
        message: detail,
        jsonType: coral('IncompleteSignatureException'),
      };
    case 'scope':
      return {
        status: 403,
        code: 'SignatureDoesNotMatch',
        type: 'Sender',
        message: `Credential should be scoped to correct service: '${detail}'. `,
        jsonType: coral('InvalidSignatureException'),
      };
  }
}

function invalidAction(operation: string): ServiceError {
  return {
    status: 400,
    code: 'InvalidAction',
    type: 'Sender',
    message: `The action ${operation} is not valid for this web service.`,
    jsonType: coral('UnknownOperationException'),
  };
}

/** The generic server errors every query-era AWS service shares (AWS "Common Errors"). */
export function commonStatusError(status: number): ServiceError | null {
  if (status === 500) {
    return {
      status,
      code: 'InternalFailure',
      type: 'Receiver',
      message: 'The request processing has failed because of an unknown error, exception or failure.',
      jsonType: coral('InternalFailure'),
    };
  }
  if (status === 503) {
    return {
      status,
      code: 'ServiceUnavailable',
      type: 'Receiver',
      message: 'The request has failed due to a temporary failure of the server.',
      jsonType: 'com.amazon.coral.availability#ServiceUnavailableException',
    };
  }
  return null;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

/** Checks the SigV4 header's shape and scope only; signature math is verified elsewhere (ECR double). */
function checkAuth(
  headers: IncomingHttpHeaders,
  signingName: string,
): { credential: CredentialScope } | { error: ServiceError } {
  const header = headers.authorization;
  if (!header?.startsWith('AWS4-HMAC-SHA256 ')) return { error: authError('missing', '') };
  const m = AUTH_RE.exec(header);
  if (!m) {
    const missing = ['Credential', 'SignedHeaders', 'Signature']
      .filter((p) => !header.includes(`${p}=`))
      .map((p) => `Authorization header requires '${p}' parameter.`);
    const detail = missing.length ? missing.join(' ') : `Authorization header is malformed: ${header}`;
    return { error: authError('incomplete', detail) };
  }
  if (!headers['x-amz-date'] && !headers.date) {
    return {
      error: authError(
        'incomplete',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      ),
    };
  }
  const [, accessKeyId, date, region, service] = m as unknown as [string, string, string, string, string];
  if (service !== signingName) return { error: authError('scope', signingName) };
  return { credential: { accessKeyId, date, region, service } };
}

// ---------------------------------------------------------------------------------------------------------
// AWS query decoding: `A.member.1.B=x` lists and `A.entry.1.Name=k&A.entry.1.Value…=v` maps become the same
// nested shape the JSON protocol carries, so one normaliser serves both protocols.

type Tree = { [key: string]: Tree | string };

function decodeQueryParams(params: URLSearchParams): Record<string, unknown> {
  // Null-prototype nodes: keys come off the wire and must not reach Object.prototype.
  const root: Tree = Object.create(null);
  for (const [key, value] of params) {
    const parts = key.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] as string;
      const next = node[part];
      if (typeof next === 'object') {
        node = next;
      } else {
        const created: Tree = Object.create(null);
        node[part] = created;
        node = created;
      }
    }
    const leaf = parts[parts.length - 1] as string;
    if (typeof node[leaf] !== 'object') node[leaf] = value;
  }
  return collapse(root) as Record<string, unknown>;
}

function collapse(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  const indexed = (child: Tree | string | undefined) =>
    typeof child === 'object'
      ? Object.keys(child)
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => collapse(child[k] as Tree | string))
      : [];
  if (keys.length === 1 && keys[0] === 'member') return indexed(node.member);
  if (keys.length === 1 && keys[0] === 'entry') {
    const out: Record<string, unknown> = {};
    for (const entry of indexed(node.entry)) {
      const e = entry as Record<string, unknown>;
      const k = e.Name ?? e.key ?? e.Key;
      if (typeof k === 'string') out[k] = e.Value ?? e.value;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = collapse(node[k] as Tree | string);
  return out;
}

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// Normalisers accept both JSON values and query-protocol strings.
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : undefined;
/** `''` is how the query protocol writes an empty list. */
export const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : v === '' ? [] : undefined);
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

// ---------------------------------------------------------------------------------------------------------

export async function startAwsDouble(model: ServiceModel): Promise<AwsDouble> {
  const requests: LoggedRequest[] = [];
  let fault: AwsDoubleFault = null;
  const debug = !!process.env.AWS_DOUBLE_DEBUG;

  const server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { date: new Date().toUTCString() });
        res.end(String(err));
      }
    });
  });

  const closer = trackServerSockets(server);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    let bodyError: string | undefined;
    if (/\bgzip\b/.test(req.headers['content-encoding'] ?? '')) {
      try {
        raw = gunzipSync(raw);
      } catch (e) {
        bodyError = `gzip: ${(e as Error).message}`;
      }
    }
    const body = raw.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://double.local');
    const target = req.headers['x-amz-target'];
    const protocol: WireProtocol = typeof target === 'string' ? 'json' : 'query';
    let params: Record<string, unknown> = {};
    let operation: string | undefined;
    let foreignTarget = false;
    if (typeof target === 'string') {
      const dot = target.lastIndexOf('.');
      operation = target.slice(dot + 1);
      foreignTarget = target.slice(0, dot) !== model.jsonTargetPrefix;
      if (!bodyError) {
        try {
          params = body.length ? (obj(JSON.parse(body)) ?? {}) : {};
        } catch (e) {
          bodyError = (e as Error).message;
        }
      }
    } else {
      const form = new URLSearchParams(url.search);
      const ctype = req.headers['content-type'] ?? '';
      if (ctype.startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(body)) form.append(k, v);
      }
      params = decodeQueryParams(form);
      operation = str(params.Action);
    }

    const entry: LoggedRequest = {
      at: new Date(),
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      protocol,
      operation,
      credential: undefined,
      outcome: 'pending',
    };
    requests.push(entry);
    const requestId = randomUUID();

    const send = (status: number, contentType: string | undefined, payload: string, extra = {}) => {
      entry.outcome = status;
      if (debug) console.error(`[aws-double ${model.signingName}] ${entry.method} ${operation} -> ${status}`);
      res.writeHead(status, {
        date: new Date().toUTCString(),
        'x-amzn-requestid': requestId,
        ...(contentType ? { 'content-type': contentType } : {}),
        'content-length': Buffer.byteLength(payload),
        ...extra,
      });
      res.end(payload);
    };
    const sendError = (error: ServiceError) => {
      if (protocol === 'json') {
        send(
          error.status,
          model.jsonContentType,
          JSON.stringify({ __type: error.jsonType, message: error.message }),
          { 'x-amzn-query-error': `${error.code};${error.type}` },
        );
      } else {
        send(
          error.status,
          'text/xml',
          `<ErrorResponse xmlns="${model.xmlNamespace}"><Error><Type>${error.type}</Type>` +
            `<Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error>` +
            `<RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      }
    };

    // Network faults come before anything the service itself would decide.
    if (fault?.kind === 'hang') {
      // No answer ever; close() ends the connection.
      entry.outcome = 'hang';
      return;
    }
    if (fault?.kind === 'reset') {
      entry.outcome = 'reset';
      req.socket.resetAndDestroy();
      return;
    }

    const auth = checkAuth(req.headers, model.signingName);
    if ('error' in auth) return sendError(auth.error);
    entry.credential = auth.credential;

    if (fault) {
      const error = model.faultError(fault, operation ?? '', params);
      if (error) return sendError(error);
      if (fault.kind === 'status') return send(fault.status, undefined, '');
    }

    if (bodyError) {
      return sendError({
        status: 400,
        code: 'SerializationException',
        type: 'Sender',
        message: bodyError,
        jsonType: coral('SerializationException'),
      });
    }
    if (!operation || foreignTarget) return sendError(invalidAction(operation ?? '(none)'));

    const result = model.handle(operation, params, protocol);
    if (!result.ok) {
      if (result.error) return sendError(result.error);
      return send(result.status ?? 500, undefined, '');
    }
    if (protocol === 'json') return send(200, model.jsonContentType, JSON.stringify(result.json));
    return send(
      200,
      'text/xml',
      `<${operation}Response xmlns="${model.xmlNamespace}">${result.xmlResult}` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setFault(next) {
      fault = next;
    },
    async close() {
      await closer.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// CloudWatch

export interface MetricDatum {
  metricName: string;
  dimensions: Array<{ name: string; value: string }>;
  value?: number;
  unit?: string;
  timestamp?: Date;
}

export interface PutMetricDataCall {
  namespace: string;
  metricData: MetricDatum[];
}

export interface CloudWatchDouble extends AwsDouble {
  putMetricDataCalls: PutMetricDataCall[];
}

const DATUM_MEMBERS = ['MetricName', 'Dimensions', 'Value', 'Unit', 'Timestamp'];

function cwError(code: string, message: string, modeledName: string): ServiceError {
  return { status: 400, code, type: 'Sender', message, jsonType: `com.amazonaws.cloudwatch#${modeledName}` };
}

const notModelled = (what: string) =>
  cwError(
    'InvalidParameterValue',
    `${what} is not modelled by the CloudWatch test double; extend test/support/cloudwatch-double.ts`,
    'InvalidParameterValueException',
  );

function decodeDatum(raw: unknown, path: string): MetricDatum | ServiceError {
  const d = obj(raw) ?? {};
  const unmodelled = Object.keys(d).find((member) => !DATUM_MEMBERS.includes(member));
  if (unmodelled) return notModelled(`${path}.${unmodelled}`);
  const metricName = str(d.MetricName);
  if (!metricName) {
    return cwError(
      'MissingParameter',
      `The parameter ${path}.MetricName is required.`,
      'MissingRequiredParameterException',
    );
  }
  const datum: MetricDatum = {
    metricName,
    dimensions: (list(d.Dimensions) ?? []).map((x) => {
      const dim = obj(x) ?? {};
      return { name: str(dim.Name) ?? '', value: str(dim.Value) ?? '' };
    }),
  };
  const value = num(d.Value);
  if (value !== undefined) datum.value = value;
  const unit = str(d.Unit);
  if (unit !== undefined) datum.unit = unit;
  // JSON 1.0 sends epoch seconds, fractional.
  if (typeof d.Timestamp === 'number') datum.timestamp = new Date(Math.round(d.Timestamp * 1000));
  return datum;
}

export async function startCloudWatchDouble(): Promise<CloudWatchDouble> {
  const putMetricDataCalls: PutMetricDataCall[] = [];

  const model: ServiceModel = {
    signingName: 'monitoring',
    xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    jsonTargetPrefix: 'GraniteServiceVersion20100801',
    jsonContentType: 'application/x-amz-json-1.0',
    faultError(fault, operation) {
      switch (fault.kind) {
        case 'access-denied':
          return {
            status: 403,
            code: 'AccessDenied',
            type: 'Sender',
            message: `User: ${CALLER_ARN} is not authorized to perform: cloudwatch:${operation} because no identity-based policy allows the cloudwatch:${operation} action`,
            jsonType: coral('AccessDeniedException'),
          };
        case 'status':
          return commonStatusError(fault.status);
      }
    },
    handle(operation, params, protocol) {
      if (operation !== 'PutMetricData' || protocol !== 'json') {
        return { ok: false, error: notModelled(`The operation ${operation} (${protocol})`) };
      }
      const unmodelled = Object.keys(params).find((member) => !['Namespace', 'MetricData'].includes(member));
      if (unmodelled) return { ok: false, error: notModelled(`The parameter ${unmodelled}`) };
      const namespace = str(params.Namespace);
      if (!namespace) {
        return {
          ok: false,
          error: cwError(
            'MissingParameter',
            'The parameter Namespace is required.',
            'MissingRequiredParameterException',
          ),
        };
      }
      if (namespace.startsWith('AWS/')) {
        return {
          ok: false,
          error: cwError(
            'InvalidParameterValue',
            `The value ${namespace} for parameter Namespace is invalid.`,
            'InvalidParameterValueException',
          ),
        };
      }
      const metricData: MetricDatum[] = [];
      for (const [i, raw] of (list(params.MetricData) ?? []).entries()) {
        const d = decodeDatum(raw, `MetricData.member.${i + 1}`);
        if ('jsonType' in d) return { ok: false, error: d };
        metricData.push(d);
      }
      if (metricData.length === 0) {
        return {
          ok: false,
          error: cwError(
            'MissingParameter',
            'At least one of the parameters MetricData and EntityMetricData must be specified.',
            'MissingRequiredParameterException',
          ),
        };
      }
      putMetricDataCalls.push({ namespace, metricData });
      return { ok: true, json: {}, xmlResult: '' };
    },
  };

  const double = await startAwsDouble(model);
  return { ...double, putMetricDataCalls };
}
