/** POST /v1/conversations */
export interface StartConversationBody {
  kind: 'direct' | 'group';
  members: string[];
  title?: string;
}

export const USER_ID_SCHEMA = { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' } as const;

export const startConversationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'members'],
  properties: {
    kind: { type: 'string', enum: ['direct', 'group'] },
    // The domain enforces the group size (configurable); this only bounds the request.
    members: { type: 'array', minItems: 1, maxItems: 10_000, items: USER_ID_SCHEMA },
    title: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;
