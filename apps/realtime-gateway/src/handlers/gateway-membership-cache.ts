import { Inject, Injectable } from '@nestjs/common';
import { ReadModelStore } from '../../../../libs/read-models/src/read-model-store.port';
import { READ_MODELS } from '../../../../libs/platform/src/tokens';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';

const MAX_ENTRIES = 10_000;

/**
 * The gateway's view of who is in a conversation, read from the read models, for routing
 * typing signals (TypingHandler): trusted for `memberCacheMs` (typing is frequent and harmless
 * if a just-removed member's indicator slips through). Membership updates that reach this
 * gateway (UpdateFanout) drop the entry early. Not the projector's ProjectorMemberCache.
 */
@Injectable()
export class GatewayMembershipCache {
  private readonly entries = new Map<string, { members: string[]; at: number }>();

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  /** The members, or undefined when the conversation does not exist. */
  async members(conversationId: string): Promise<string[] | undefined> {
    const now = Date.now();
    const hit = this.entries.get(conversationId);
    if (hit && now - hit.at < this.options.memberCacheMs) return hit.members;
    const view = await this.readModels.getConversation(conversationId);
    if (!view) return undefined;
    if (this.entries.size >= MAX_ENTRIES)
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.delete(conversationId);
    this.entries.set(conversationId, { members: view.members, at: now });
    return view.members;
  }

  invalidate(conversationId: string): void {
    this.entries.delete(conversationId);
  }
}
