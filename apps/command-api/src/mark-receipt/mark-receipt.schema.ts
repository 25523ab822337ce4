/** POST /v1/conversations/:id/delivered and /read */
export interface MarkReceiptBody {
  upToSeq: number;
}

export const markReceiptSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['upToSeq'],
  properties: { upToSeq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
} as const;
