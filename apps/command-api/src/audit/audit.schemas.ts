import { AppError } from '../../../../libs/platform/src/app-error';
import { TokenService } from '../../../../libs/platform/src/auth/token-service';
import { compileQuery } from '../http/validator';

/** Query and path validation of /v1/audit: anything malformed is 400 invalid_request. */

export const MAX_AUDIT_PAGE = 500;
export const DEFAULT_AUDIT_PAGE = 100;
/** The widest time window of one activity query. */
export const MAX_ACTIVITY_DAYS = 31;
const DAY_MS = 86_400_000;

/** A global position as this API hands it out (20 digits; EventStoreDB: commit/prepare). */
const POSITION = '^[0-9]{20}(/[0-9]{20})?$';

const limit = { type: 'integer', minimum: 1, maximum: MAX_AUDIT_PAGE } as const;

const validateHistory = compileQuery<{ fromRevision?: number; limit?: number }>({
  type: 'object',
  additionalProperties: false,
  properties: {
    fromRevision: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    limit,
  },
});

const validateActivity = compileQuery<{ from: string; to: string; after?: string; limit?: number }>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: {
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
      after: { type: 'string', pattern: POSITION },
      limit,
    },
  },
);

const invalid = (message: string): AppError => new AppError('invalid_request', message, 400);

export function historyQuery(query: unknown): { fromRevision: number; limit: number } {
  const { fromRevision = 0, limit = DEFAULT_AUDIT_PAGE } = validateHistory({
    ...(query as object),
  });
  return { fromRevision, limit };
}

export function activityQuery(query: unknown): {
  fromMs: number;
  toMs: number;
  after?: string;
  limit: number;
} {
  const {
    from,
    to,
    after,
    limit = DEFAULT_AUDIT_PAGE,
  } = validateActivity({
    ...(query as object),
  });
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (Number.isNaN(fromMs)) throw invalid('query.from: must be a date-time');
  if (Number.isNaN(toMs)) throw invalid('query.to: must be a date-time');
  if (toMs <= fromMs) throw invalid('query.to: must be after query.from');
  if (toMs - fromMs > MAX_ACTIVITY_DAYS * DAY_MS)
    throw invalid(`query: the range from..to must be at most ${MAX_ACTIVITY_DAYS} days`);
  return { fromMs, toMs, limit, ...(after !== undefined ? { after } : {}) };
}

const CONVERSATION_ID = /^[A-Za-z0-9-]{1,64}$/;
const SEQ = /^[1-9][0-9]{0,15}$/;

export function conversationIdPath(id: string): string {
  if (!CONVERSATION_ID.test(id))
    throw invalid('path.id: must be a conversation id (1 to 64 of A-Z a-z 0-9 -)');
  return id;
}

export function seqPath(seq: string): number {
  const n = Number(seq);
  if (!SEQ.test(seq) || !Number.isSafeInteger(n))
    throw invalid('path.seq: must be a message seq (an integer ≥ 1)');
  return n;
}

export function userIdPath(id: string): string {
  if (!TokenService.isValidUserId(id))
    throw invalid('path.id: must be a user id (1 to 64 of A-Z a-z 0-9 . _ @ -)');
  return id;
}
