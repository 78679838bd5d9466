// A local SNS endpoint for the function's diagnoses (lambda/engine/outputs/sns-notifier.ts), driven by the real
// @aws-sdk/client-sns over HTTP.
//
// The installed client (3.1169.x) speaks the AWS query protocol: form-encoded `Action=Publish&…` in, XML
// `PublishResponse` / `ErrorResponse` out, error code read from `<Error><Code>` and matched against the model's
// `awsQueryError` codes (so `AuthorizationError` surfaces as `AuthorizationErrorException`). The double takes
// what the notifier sends (TopicArn, Subject, Message, String MessageAttributes), refuses what SNS would refuse
// in it (an empty message, a subject SNS does not accept, empty or too many attributes), and refuses every other
// parameter with a message naming this file.

import { randomUUID } from 'node:crypto';
import {
  type AwsDouble,
  CALLER_ARN,
  commonStatusError,
  obj,
  type ServiceError,
  type ServiceModel,
  startAwsDouble,
  str,
} from './cloudwatch-double.ts';

export type { AwsDoubleFault, LoggedRequest } from './cloudwatch-double.ts';

export interface MessageAttribute {
  dataType: string;
  stringValue?: string;
}

export interface PublishCall {
  topicArn: string;
  subject?: string;
  message: string;
  messageAttributes: Record<string, MessageAttribute>;
  /** The id this double answered with, to correlate with the client's `MessageId`. */
  messageId: string;
}

export interface SnsDouble extends AwsDouble {
  publishes: PublishCall[];
}

const PARAMETERS = ['Action', 'Version', 'TopicArn', 'Subject', 'Message', 'MessageAttributes'];

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
const notModelled = (what: string) =>
  invalidParameter(`${what} is not modelled by the SNS test double; extend test/support/sns-double.ts`);

/** The Publish request as SNS would judge it: the call to record, or the error SNS would answer with. */
function decodePublish(params: Record<string, unknown>): Omit<PublishCall, 'messageId'> | ServiceError {
  const unmodelled = Object.keys(params).find((name) => !PARAMETERS.includes(name));
  if (unmodelled) return notModelled(`The Publish parameter ${unmodelled}`);
  const topicArn = str(params.TopicArn);
  const message = str(params.Message);
  const subject = str(params.Subject);
  if (message === undefined) {
    return snsError(
      400,
      'ValidationError',
      "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
      'ValidationException',
    );
  }
  if (!topicArn) {
    return invalidParameter(
      'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
    );
  }
  if (message === '') return invalidParameter('Invalid parameter: Empty message');
  // "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100 characters long."
  // https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
  const hasControl = (t: string) => [...t].some((ch) => ch.charCodeAt(0) < 0x20);
  if (subject !== undefined && (subject === '' || subject.length >= 100 || hasControl(subject))) {
    return invalidParameter('Invalid parameter: Subject');
  }

  const messageAttributes: Record<string, MessageAttribute> = {};
  for (const [name, raw] of Object.entries(obj(params.MessageAttributes) ?? {})) {
    const v = obj(raw) ?? {};
    const dataType = str(v.DataType);
    if (!dataType) {
      return invalidParameter(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    if (dataType !== 'String') return notModelled(`The message attribute type ${dataType}`);
    const stringValue = str(v.StringValue);
    if (!stringValue) {
      return snsError(
        400,
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type 'String'.`,
        'InvalidParameterValueException',
      );
    }
    messageAttributes[name] = { dataType, stringValue };
  }
  if (Object.keys(messageAttributes).length > 10) {
    return invalidParameter(
      'Invalid parameter: MessageAttributes Reason: Number of message attributes exceeds the limit of 10',
    );
  }
  return { topicArn, message, messageAttributes, ...(subject === undefined ? {} : { subject }) };
}

export async function startSnsDouble(): Promise<SnsDouble> {
  const publishes: PublishCall[] = [];

  const model: ServiceModel = {
    signingName: 'sns',
    xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
    jsonTargetPrefix: 'AmazonSimpleNotificationService',
    jsonContentType: 'application/x-amz-json-1.0',
    faultError(fault, operation, params) {
      switch (fault.kind) {
        case 'access-denied':
          // SNS names IAM denials AuthorizationError (403), not AccessDenied.
          return snsError(
            403,
            'AuthorizationError',
            `User: ${CALLER_ARN} is not authorized to perform: SNS:${operation} on resource: ${str(params.TopicArn) ?? '*'} because no identity-based policy allows the SNS:${operation} action`,
            'AuthorizationErrorException',
          );
        case 'status':
          return commonStatusError(fault.status);
      }
    },
    handle(operation, params, protocol) {
      if (operation !== 'Publish' || protocol !== 'query') {
        return { ok: false, error: notModelled(`The operation ${operation} (${protocol})`) };
      }
      const call = decodePublish(params);
      if ('jsonType' in call) return { ok: false, error: call };
      const messageId = randomUUID();
      publishes.push({ ...call, messageId });
      return {
        ok: true,
        json: { MessageId: messageId },
        xmlResult: `<PublishResult><MessageId>${messageId}</MessageId></PublishResult>`,
      };
    },
  };

  const double = await startAwsDouble(model);
  return { ...double, publishes };
}
