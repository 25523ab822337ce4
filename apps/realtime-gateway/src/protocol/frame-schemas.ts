import { defaultPolicy } from '../../../../libs/domain/src';

/**
 * JSON Schemas of the client frames, one per type. Unknown properties are refused, so a
 * typo in a field name is an `invalid_frame`, not a silently ignored value.
 */
const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
const seq = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

const attachment = {
  type: 'object',
  required: ['mediaId', 'contentType', 'size'],
  additionalProperties: false,
  properties: {
    mediaId: id,
    contentType: { type: 'string', minLength: 1, maxLength: 255 },
    size: { type: 'integer', minimum: 0 },
    name: { type: 'string', maxLength: 255 },
  },
} as const;

const frame = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  required: ['type', ...required],
  additionalProperties: false,
  properties: { type: { type: 'string' }, ...properties },
});

const watermark = frame({ conversationId: id, upToSeq: seq }, ['conversationId', 'upToSeq']);

export const frameSchemas = {
  send: frame(
    {
      conversationId: id,
      clientMessageId: id,
      body: { type: 'string', maxLength: defaultPolicy.maxBodyLength },
      attachments: { type: 'array', maxItems: defaultPolicy.maxAttachments, items: attachment },
    },
    ['conversationId', 'clientMessageId', 'body'],
  ),
  delivered: watermark,
  read: watermark,
  typing: frame({ conversationId: id }, ['conversationId']),
  sync: frame(
    {
      cursors: {
        type: 'object',
        maxProperties: 1000,
        propertyNames: { minLength: 1, maxLength: 128 },
        additionalProperties: seq,
      },
    },
    ['cursors'],
  ),
  ping: frame({}, []),
} as const;
