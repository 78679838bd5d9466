import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from './notification.ts';
import type { Notifier, PublishedMessage } from './ports.ts';

/** Publishes diagnoses to one topic; every attribute is a String attribute that subscription filters can match. */
export function snsNotifier<M extends PublishedMessage = Notification>(
  client: SNSClient,
  topicArn: string,
): Notifier<M> {
  return {
    async publish(notification, abortSignal) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: notification.subject,
          Message: notification.message,
          MessageAttributes: Object.fromEntries(
            Object.entries(notification.attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
        { abortSignal },
      );
    },
  };
}
