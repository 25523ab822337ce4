import { Inject, Injectable } from '@nestjs/common';
import { ConversationCommand, ConversationState, defaultPolicy } from '../../../../libs/domain/src';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';
import { AppConfig } from '../../../../libs/platform/src/config';
import { APP_CONFIG, EVENT_STORE } from '../../../../libs/platform/src/tokens';
import { commandsTotal } from '../metrics/metrics';
import { CommandContext, CommandDeps, handleConversationCommand } from './handle-command';
import { StreamCache } from './stream-cache';

/** The wiring of handleConversationCommand for the app: store, stream cache, policy, metrics. */
@Injectable()
export class ConversationCommandRunner {
  private readonly deps: CommandDeps;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(APP_CONFIG) config: AppConfig) {
    this.deps = {
      store,
      cache: new StreamCache(store),
      policy: { ...defaultPolicy, maxGroupSize: config.maxGroupSize },
      record: (type, outcome) => commandsTotal.inc({ type, outcome }),
    };
  }

  run<R>(
    command: ConversationCommand,
    ctx: CommandContext,
    reply: (state: ConversationState) => R,
  ): Promise<R> {
    return handleConversationCommand(this.deps, command, ctx, reply);
  }
}
