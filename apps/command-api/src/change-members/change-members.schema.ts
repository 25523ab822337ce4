import { USER_ID_SCHEMA } from '../start-conversation/start-conversation.schema';

/** POST /v1/conversations/:id/members: at least one of add/remove. */
export interface ChangeMembersBody {
  add?: string[];
  remove?: string[];
}

export const changeMembersSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    add: { type: 'array', minItems: 1, maxItems: 10_000, items: USER_ID_SCHEMA },
    remove: { type: 'array', minItems: 1, maxItems: 10_000, items: USER_ID_SCHEMA },
  },
} as const;
