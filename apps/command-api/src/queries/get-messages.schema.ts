/** GET /v1/conversations/:id/messages?beforeSeq=&afterSeq=&limit= */
export interface GetMessagesQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

export const getMessagesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    beforeSeq: { type: 'integer', minimum: 1 },
    afterSeq: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE },
  },
} as const;
