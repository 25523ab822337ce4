import { Attachment, defaultPolicy } from '../../../../libs/domain/src';

/** POST /v1/conversations/:id/messages */
export interface SendMessageBody {
  clientMessageId: string;
  body: string;
  attachments?: Attachment[];
}

export const sendMessageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientMessageId', 'body'],
  properties: {
    clientMessageId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    body: { type: 'string', minLength: 1, maxUnits: defaultPolicy.maxBodyLength },
    attachments: {
      type: 'array',
      maxItems: defaultPolicy.maxAttachments,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['mediaId', 'contentType', 'size'],
        properties: {
          mediaId: { type: 'string', minLength: 1, maxLength: 128 },
          contentType: { type: 'string', minLength: 1, maxLength: 255 },
          size: { type: 'integer', minimum: 0 },
          name: { type: 'string', maxLength: 255 },
        },
      },
    },
  },
} as const;
