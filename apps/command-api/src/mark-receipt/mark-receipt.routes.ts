import type { CommandRoute } from '../http/command-route';
import { conversationIdParam } from '../http/conversation-id';
import { compileBody } from '../http/validator';
import { MarkReceipt } from './mark-receipt.handler';
import { MarkReceiptBody, markReceiptSchema } from './mark-receipt.schema';

const validate = compileBody<MarkReceiptBody>(markReceiptSchema);

const receiptRoute = (kind: 'delivered' | 'read'): CommandRoute => ({
  url: `/v1/conversations/:id/${kind}`,
  status: 200,
  command: (id, body, ctx) =>
    new MarkReceipt(kind, conversationIdParam(id), validate(body).upToSeq, ctx),
});

/** POST /v1/conversations/:id/delivered and /read → 200 {deliveredSeq, readSeq} (the caller's watermarks). */
export const markDeliveredRoute = receiptRoute('delivered');
export const markReadRoute = receiptRoute('read');
