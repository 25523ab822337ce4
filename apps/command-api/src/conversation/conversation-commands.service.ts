import { Inject, Injectable } from '@nestjs/common';
import { ConversationCommand, ConversationState, defaultPolicy } from '../../../../libs/domain/src';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';
import { SnapshotStore } from '../../../../libs/event-store/src/snapshot-store.port';
import { AppConfig } from '../../../../libs/platform/src/config';
import { Logger } from '../../../../libs/platform/src/logger';
import {
  APP_CONFIG,
  EVENT_STORE,
  LOGGER,
  SNAPSHOT_STORE,
} from '../../../../libs/platform/src/tokens';
import { commandsTotal } from '../metrics/metrics';
import {
  CommandContext,
  CommandDeps,
  Idempotency,
  handleConversationCommand,
} from './handle-command';
import { StreamCache } from './stream-cache';

/** Events between two snapshots of a stream: a cold load folds at most this many. */
export const SNAPSHOT_EVERY = 500;

/** The wiring of handleConversationCommand for the app: store, stream cache, policy, metrics. */
@Injectable()
export class ConversationCommandRunner {
  private readonly deps: CommandDeps;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SNAPSHOT_STORE) snapshots: SnapshotStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.deps = {
      store,
      snapshots,
      cache: new StreamCache(store, snapshots),
      policy: { ...defaultPolicy, maxGroupSize: config.maxGroupSize },
      snapshotEvery: SNAPSHOT_EVERY,
      record: (type, outcome) => commandsTotal.inc({ type, outcome }),
      snapshotFailed: (err, streamId) => logger.warn({ err, streamId }, 'snapshot not saved'),
    };
  }

  run<R>(
    command: ConversationCommand,
    ctx: CommandContext,
    reply: (state: ConversationState) => R,
    idempotency?: Idempotency<R>,
  ): Promise<R> {
    return handleConversationCommand(this.deps, command, ctx, reply, idempotency);
  }
}
