// A local CloudWatch endpoint for tests that drive the real @aws-sdk/client-cloudwatch over HTTP.
//
// The installed client (3.1164.x) speaks AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`,
// `x-amzn-query-mode: true`) and reads error codes query-compatibly: the `x-amzn-query-error: <Code>;<Type>`
// header wins over the body's `__type`, which is how `AccessDenied` (not `AccessDeniedException`) reaches
// `error.name`. Older clients and other SDKs still send the AWS query protocol (form-encoded `Action=…`), so both
// are decoded and each caller is answered in the protocol it used.
//
// The protocol-neutral harness (auth check, faults, request log, query decoding) is exported from here because
// the SNS double shares it and the brief allows no third support file.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { trackServerSockets } from './close-server.ts';

export type AwsDoubleFault =
  | { kind: 'access-denied' }
  | { kind: 'throttle'; times: number }
  /** `code` overrides the service's usual error code for that status; without one, statuses the service has no
   * body for (502, 504, …) get an empty body, as a load balancer in front of it would send. */
  | { kind: 'status'; status: number; code?: string; message?: string }
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

export function authError(kind: 'missing' | 'incomplete' | 'scope', detail: string): ServiceError {
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

export function invalidAction(operation: string): ServiceError {
  return {
    status: 400,
    code: 'InvalidAction',
    type: 'Sender',
    message: `The action ${operation} is not valid for this web service.`,
    jsonType: coral('UnknownOperationException'),
  };
}

/** The generic server errors every query-era AWS service shares (AWS "Common Errors"). */
export function commonStatusError(status: number, code?: string, message?: string): ServiceError | null {
  if (code) {
    return {
      status,
      code,
      type: status >= 500 ? 'Receiver' : 'Sender',
      message: message ?? code,
      jsonType: coral(code),
    };
  }
  if (status === 500) {
    return {
      status,
      code: 'InternalFailure',
      type: 'Receiver',
      message:
        message ?? 'The request processing has failed because of an unknown error, exception or failure.',
      jsonType: coral('InternalFailure'),
    };
  }
  if (status === 503) {
    return {
      status,
      code: 'ServiceUnavailable',
      type: 'Receiver',
      message: message ?? 'The request has failed due to a temporary failure of the server.',
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

export function decodeQueryParams(params: URLSearchParams): Record<string, unknown> {
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

export function xmlEscape(s: string): string {
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
      const active = fault;
      if (active.kind === 'throttle') {
        if (active.times > 0) {
          active.times -= 1;
          if (active.times === 0) fault = null;
          const error = model.faultError(active, operation ?? '', params);
          if (error) return sendError(error);
        }
      } else {
        const error = model.faultError(active, operation ?? '', params);
        if (error) return sendError(error);
        if (active.kind === 'status') return send(active.status, undefined, '');
      }
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
      // Copied so the countdown never mutates the caller's object.
      fault = next ? { ...next } : null;
    },
    async close() {
      await closer.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// CloudWatch

export interface StatisticValues {
  sampleCount: number | undefined;
  sum: number | undefined;
  minimum: number | undefined;
  maximum: number | undefined;
}

export interface MetricDatum {
  metricName: string;
  dimensions: Array<{ name: string; value: string }>;
  value?: number;
  values?: number[];
  counts?: number[];
  unit?: string;
  timestamp?: Date;
  storageResolution?: number;
  statisticValues?: StatisticValues;
}

export interface PutMetricDataCall {
  namespace: string;
  metricData: MetricDatum[];
  entityMetricData?: Array<{
    entity: { keyAttributes: Record<string, string>; attributes: Record<string, string> };
    metricData: MetricDatum[];
  }>;
  strictEntityValidation?: boolean;
  protocol: WireProtocol;
}

export interface CloudWatchDouble extends AwsDouble {
  putMetricDataCalls: PutMetricDataCall[];
}

const CW_XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

function cwError(code: string, message: string, modeledName?: string): ServiceError {
  return {
    status: 400,
    code,
    type: 'Sender',
    message,
    jsonType: modeledName ? `com.amazonaws.cloudwatch#${modeledName}` : coral(code),
  };
}

/** JSON sends epoch seconds (fractional), query sends ISO-8601. */
function timestamp(v: unknown): Date | undefined {
  if (typeof v === 'number') return new Date(Math.round(v * 1000));
  if (typeof v === 'string' && v !== '') {
    return /^-?\d+(\.\d+)?$/.test(v) ? new Date(Math.round(Number(v) * 1000)) : new Date(v);
  }
  return undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}

function decodeDatum(raw: unknown, path: string): MetricDatum | ServiceError {
  const d = obj(raw) ?? {};
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
  const values = list(d.Values);
  if (values !== undefined) datum.values = values.map((x) => num(x) ?? Number.NaN);
  const counts = list(d.Counts);
  if (counts !== undefined) datum.counts = counts.map((x) => num(x) ?? Number.NaN);
  const unit = str(d.Unit);
  if (unit !== undefined) datum.unit = unit;
  const ts = timestamp(d.Timestamp);
  if (ts !== undefined) datum.timestamp = ts;
  const res = num(d.StorageResolution);
  if (res !== undefined) datum.storageResolution = res;
  const sv = obj(d.StatisticValues);
  if (sv) {
    datum.statisticValues = {
      sampleCount: num(sv.SampleCount),
      sum: num(sv.Sum),
      minimum: num(sv.Minimum),
      maximum: num(sv.Maximum),
    };
  }

  // The checks the real service makes that a canary bug could plausibly trip.
  const given = [datum.value !== undefined, !!datum.statisticValues, !!datum.values?.length].filter(Boolean);
  if (given.length > 1) {
    return cwError(
      'InvalidParameterCombination',
      `The parameters ${path}.Value, ${path}.StatisticValues and ${path}.Values are mutually exclusive and you have specified more than one.`,
      'InvalidParameterCombinationException',
    );
  }
  if (datum.counts?.length && datum.counts.length !== (datum.values?.length ?? 0)) {
    return cwError(
      'InvalidParameterValue',
      `The parameters ${path}.Values and ${path}.Counts must be of the same size.`,
      'InvalidParameterValueException',
    );
  }
  if (datum.dimensions.length > 30) {
    return cwError(
      'InvalidParameterValue',
      `The collection ${path}.Dimensions must not have a size greater than 30.`,
      'InvalidParameterValueException',
    );
  }
  return datum;
}

function isError(x: unknown): x is ServiceError {
  return !!x && typeof x === 'object' && 'jsonType' in x;
}

export async function startCloudWatchDouble(): Promise<CloudWatchDouble> {
  const putMetricDataCalls: PutMetricDataCall[] = [];

  const model: ServiceModel = {
    signingName: 'monitoring',
    xmlNamespace: CW_XMLNS,
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
        case 'throttle':
          return {
            status: 400,
            code: 'Throttling',
            type: 'Sender',
            message: 'Rate exceeded',
            jsonType: 'com.amazon.coral.availability#ThrottlingException',
          };
        case 'status':
          return commonStatusError(fault.status, fault.code, fault.message);
      }
    },
    handle(operation, params, protocol) {
      if (operation !== 'PutMetricData') {
        return { ok: false, error: invalidAction(operation) };
      }
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
        if (isError(d)) return { ok: false, error: d };
        metricData.push(d);
      }
      const call: PutMetricDataCall = { namespace, metricData, protocol };
      const entities = list(params.EntityMetricData);
      if (entities) {
        call.entityMetricData = [];
        for (const [i, raw] of entities.entries()) {
          const e = obj(raw) ?? {};
          const entity = obj(e.Entity) ?? {};
          const data: MetricDatum[] = [];
          for (const [j, rd] of (list(e.MetricData) ?? []).entries()) {
            const d = decodeDatum(rd, `EntityMetricData.member.${i + 1}.MetricData.member.${j + 1}`);
            if (isError(d)) return { ok: false, error: d };
            data.push(d);
          }
          call.entityMetricData.push({
            entity: {
              keyAttributes: stringMap(entity.KeyAttributes),
              attributes: stringMap(entity.Attributes),
            },
            metricData: data,
          });
        }
      }
      if (metricData.length === 0 && !call.entityMetricData?.length) {
        return {
          ok: false,
          error: cwError(
            'MissingParameter',
            'At least one of the parameters MetricData and EntityMetricData must be specified.',
            'MissingRequiredParameterException',
          ),
        };
      }
      const strict = params.StrictEntityValidation;
      if (strict !== undefined) call.strictEntityValidation = strict === true || strict === 'true';
      putMetricDataCalls.push(call);
      return { ok: true, json: {}, xmlResult: '' };
    },
  };

  const double = await startAwsDouble(model);
  return { ...double, putMetricDataCalls };
}
