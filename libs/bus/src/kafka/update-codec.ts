import type { KafkaMessage, Message } from 'kafkajs';
import { ProjectionUpdate } from '../../../domain/src';
import { conversationOf } from '../conversation-of';
import { headerText } from './kafka-client';

/**
 * Wire form of a projection update (docs/asyncapi.yaml, channel `projectionUpdates`): key =
 * conversationId (one partition per conversation keeps its order), value = the update as JSON,
 * headers `schema-version` (this one: 1), `content-type`, `update-type`. A consumer skips a
 * message whose schema version it does not know, rather than misreading it.
 */
export const UPDATE_SCHEMA_VERSION = '1';

export function encodeUpdate(update: ProjectionUpdate): Message {
  return {
    key: conversationOf(update),
    value: JSON.stringify(update),
    headers: {
      'schema-version': UPDATE_SCHEMA_VERSION,
      'content-type': 'application/json',
      'update-type': update.type,
    },
  };
}

export type Decoded = { update: ProjectionUpdate } | { skipped: string };

export function decodeUpdate(message: KafkaMessage): Decoded {
  const version = headerText(message.headers, 'schema-version');
  if (version !== UPDATE_SCHEMA_VERSION) return { skipped: `unknown schema version ${version}` };
  if (!message.value) return { skipped: 'empty value' };
  try {
    return { update: JSON.parse(message.value.toString('utf8')) as ProjectionUpdate };
  } catch {
    return { skipped: 'value is not JSON' };
  }
}
