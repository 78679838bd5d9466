// A local SNS endpoint for tests that drive the real @aws-sdk/client-sns over HTTP.
//
// The installed client (3.1169.x) speaks the AWS query protocol: form-encoded `Action=Publish&…` in, XML
// `PublishResponse` / `ErrorResponse` out, error code read from `<Error><Code>` and matched against the model's
// `awsQueryError` codes (so `AuthorizationError` surfaces as `AuthorizationErrorException`). The SNS model also
// names a JSON 1.0 target (`AmazonSimpleNotificationService`), so a client that switches protocol is decoded too
// and answered in JSON with the query-compatible `x-amzn-query-error` header.

import { randomUUID } from 'node:crypto';
import {
  type AwsDouble,
  CALLER_ARN,
  commonStatusError,
  invalidAction,
  obj,
  type ServiceError,
  type ServiceModel,
  startAwsDouble,
  str,
  type WireProtocol,
} from './cloudwatch-double.ts';

export type { AwsDoubleFault, LoggedRequest } from './cloudwatch-double.ts';

export interface MessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: Buffer;
}

export interface PublishCall {
  topicArn?: string;
  targetArn?: string;
  phoneNumber?: string;
  subject?: string;
  message: string;
  messageStructure?: string;
  messageAttributes: Record<string, MessageAttribute>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  /** The id this double answered with, to correlate with the client's `MessageId`. */
  messageId: string;
  protocol: WireProtocol;
}

export interface SnsDouble extends AwsDouble {
  publishes: PublishCall[];
}

const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

function snsError(status: number, code: string, message: string, modeledName: string): ServiceError {
  return {
    status,
    code,
    type: status >= 500 ? 'Receiver' : 'Sender',
    message,
    jsonType: `com.amazonaws.sns#${modeledName}`,
  };
}

const invalidParameter = (message: string) =>
  snsError(400, 'InvalidParameter', message, 'InvalidParameterException');

export async function startSnsDouble(): Promise<SnsDouble> {
  const publishes: PublishCall[] = [];
  let sequence = 10_000_000_000_000_000_000n;

  const model: ServiceModel = {
    signingName: 'sns',
    xmlNamespace: SNS_XMLNS,
    jsonTargetPrefix: 'AmazonSimpleNotificationService',
    jsonContentType: 'application/x-amz-json-1.0',
    faultError(fault, operation, params) {
      switch (fault.kind) {
        case 'access-denied': {
          // SNS names IAM denials AuthorizationError (403), not AccessDenied.
          const resource = str(params.TopicArn) ?? str(params.TargetArn) ?? '*';
          return snsError(
            403,
            'AuthorizationError',
            `User: ${CALLER_ARN} is not authorized to perform: SNS:${operation} on resource: ${resource} because no identity-based policy allows the SNS:${operation} action`,
            'AuthorizationErrorException',
          );
        }
        case 'throttle':
          return snsError(429, 'Throttled', 'Rate exceeded', 'ThrottledException');
        case 'status':
          if (!fault.code && fault.status === 500) {
            return snsError(
              500,
              'InternalError',
              fault.message ?? 'Internal Error',
              'InternalErrorException',
            );
          }
          return commonStatusError(fault.status, fault.code, fault.message);
      }
    },
    handle(operation, params, protocol) {
      if (operation !== 'Publish') {
        return { ok: false, error: invalidAction(operation) };
      }
      const topicArn = str(params.TopicArn);
      const targetArn = str(params.TargetArn);
      const phoneNumber = str(params.PhoneNumber);
      const message = str(params.Message);
      const subject = str(params.Subject);
      if (message === undefined) {
        return {
          ok: false,
          error: snsError(
            400,
            'ValidationError',
            "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
            'ValidationException',
          ),
        };
      }
      if (!topicArn && !targetArn && !phoneNumber) {
        return {
          ok: false,
          error: invalidParameter(
            'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
          ),
        };
      }
      if (message === '') return { ok: false, error: invalidParameter('Invalid parameter: Empty message') };
      // Real SNS rejects subjects that are empty, too long or contain line breaks / control characters.
      const hasControl = (t: string) => [...t].some((ch) => ch.charCodeAt(0) < 0x20);
      if (subject !== undefined && (subject === '' || subject.length > 100 || hasControl(subject))) {
        return { ok: false, error: invalidParameter('Invalid parameter: Subject') };
      }

      const messageAttributes: Record<string, MessageAttribute> = {};
      for (const [name, raw] of Object.entries(obj(params.MessageAttributes) ?? {})) {
        const v = obj(raw) ?? {};
        const dataType = str(v.DataType);
        if (!dataType) {
          return {
            ok: false,
            error: invalidParameter(
              `The message attribute '${name}' must contain non-empty message attribute type.`,
            ),
          };
        }
        const attr: MessageAttribute = { dataType };
        const stringValue = str(v.StringValue);
        if (stringValue !== undefined) attr.stringValue = stringValue;
        const binary = str(v.BinaryValue);
        if (binary !== undefined) attr.binaryValue = Buffer.from(binary, 'base64');
        const base = dataType.split('.')[0];
        if ((base === 'String' || base === 'Number') && !attr.stringValue) {
          return {
            ok: false,
            error: snsError(
              400,
              'ParameterValueInvalid',
              `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
              'InvalidParameterValueException',
            ),
          };
        }
        messageAttributes[name] = attr;
      }
      if (Object.keys(messageAttributes).length > 10) {
        return {
          ok: false,
          error: invalidParameter(
            'Invalid parameter: MessageAttributes Reason: Number of message attributes exceeds the limit of 10',
          ),
        };
      }

      const messageId = randomUUID();
      const call: PublishCall = { message, messageAttributes, messageId, protocol };
      if (topicArn !== undefined) call.topicArn = topicArn;
      if (targetArn !== undefined) call.targetArn = targetArn;
      if (phoneNumber !== undefined) call.phoneNumber = phoneNumber;
      if (subject !== undefined) call.subject = subject;
      const messageStructure = str(params.MessageStructure);
      if (messageStructure !== undefined) call.messageStructure = messageStructure;
      const groupId = str(params.MessageGroupId);
      if (groupId !== undefined) call.messageGroupId = groupId;
      const dedupId = str(params.MessageDeduplicationId);
      if (dedupId !== undefined) call.messageDeduplicationId = dedupId;
      publishes.push(call);

      // FIFO topics also answer with a sequence number.
      const fifo = (topicArn ?? targetArn ?? '').endsWith('.fifo');
      const json: Record<string, unknown> = { MessageId: messageId };
      let xml = `<MessageId>${messageId}</MessageId>`;
      if (fifo) {
        sequence += 1n;
        json.SequenceNumber = sequence.toString();
        xml += `<SequenceNumber>${sequence}</SequenceNumber>`;
      }
      return { ok: true, json, xmlResult: `<PublishResult>${xml}</PublishResult>` };
    },
  };

  const double = await startAwsDouble(model);
  return { ...double, publishes };
}
