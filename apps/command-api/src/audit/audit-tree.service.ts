import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { LiveLogTree } from '../../../../libs/audit/src/live-log-tree';
import { LogTimeIndex } from '../../../../libs/audit/src/log-time-index';
import { Checkpoint, SignedCheckpoint } from '../../../../libs/audit/src/signed-checkpoint';
import {
  EventStore,
  Position,
  RecordedEvent,
  Subscription,
} from '../../../../libs/event-store/src/event-store.port';
import { Logger } from '../../../../libs/platform/src/logger';
import { EVENT_STORE, LOGGER } from '../../../../libs/platform/src/tokens';
import { auditUnavailable } from './audit-key';

export type AuditTreeState = 'idle' | 'building' | 'ready' | 'failed';

export interface AuditTreeStatus {
  state: AuditTreeState;
  /** Leaves (events) in the tree. */
  size: number;
  lastPosition: Position;
  failure?: string;
}

/** How long to wait before subscribing again after the store refused a subscription. */
const RESUBSCRIBE_MS = 5_000;

/**
 * The Merkle tree of the global log (docs/adr-audit-merkle.md), kept up to date in this process:
 * a subscription to the event store from START feeds a LiveLogTree (a MerkleFrontier, O(log n)
 * memory, plus the bounded LogTimeIndex the activity endpoint uses), leaf i = the i-th event of
 * the log, leaf data = its hash, exactly as `chat audit checkpoint` computes it.
 *
 * Cost: at start the subscription reads the WHOLE log once (O(n) events read, 2 hashes per event)
 * in the background; readiness does not wait for it (it is not a health check), and the
 * checkpoint endpoint answers 503 audit_unavailable until the tree has caught up. Then O(1)
 * amortised per appended event. Every command-api process builds its own tree; over one log they
 * all reach the same root at the same size.
 *
 * Started once the app has bootstrapped, closed before the stores close (beforeApplicationShutdown).
 * An event without a valid hash stops the tree (state failed, named in the 503): the log then has
 * no well-defined tree, and the CLI's `audit verify` would name the same event.
 */
@Injectable()
export class AuditTree
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly tree = new LiveLogTree();
  private subscription?: Subscription;
  private state: AuditTreeState = 'idle';
  private failure?: string;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Stops following the log (idempotent). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  status(): AuditTreeStatus {
    return {
      state: this.state,
      size: this.tree.size,
      lastPosition: this.tree.lastPosition,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** The time index built in the same pass (a prefix of the log; see LogTimeIndex). */
  get timeIndex(): LogTimeIndex {
    return this.tree.timeIndex;
  }

  /**
   * The signed checkpoint over the tree as it is now (signed once per size). Throws 503
   * audit_unavailable while the tree is still reading the log, or if it failed.
   */
  checkpoint(sign: (checkpoint: Checkpoint) => SignedCheckpoint): SignedCheckpoint {
    if (this.state === 'failed')
      throw auditUnavailable(`the audit tree stopped: ${this.failure ?? 'unknown'}`);
    if (this.state !== 'ready')
      throw auditUnavailable(
        `the audit tree is still reading the event log (${this.tree.size} events so far); retry shortly`,
      );
    return this.tree.checkpoint(sign);
  }

  private start(): void {
    if (this.stopped) return;
    this.state = 'building';
    const started = Date.now();
    const from = this.tree.size;
    this.logger.info(
      { event: 'audit_tree_building', after: this.tree.lastPosition },
      'audit tree: reading the whole event log once to build the Merkle tree (O(n)); ' +
        '/v1/audit/checkpoint answers 503 until it has caught up',
    );
    const subscription = this.store.subscribeToAll({ after: this.tree.lastPosition }, (event) =>
      this.onEvent(event),
    );
    this.subscription = subscription;
    subscription.ready.catch((err: unknown) => {
      if (this.stopped || this.subscription !== subscription) return;
      this.logger.warn(
        { err, retryInMs: RESUBSCRIBE_MS },
        'audit tree: cannot subscribe to the event store; retrying',
      );
      this.subscription = undefined;
      void subscription.close().catch(() => undefined);
      this.retry = setTimeout(() => this.start(), RESUBSCRIBE_MS);
      this.retry.unref();
    });
    void subscription.caughtUp.then(() => {
      if (this.subscription !== subscription || this.state !== 'building') return;
      this.state = 'ready';
      this.logger.info(
        {
          event: 'audit_tree_caught_up',
          size: this.tree.size,
          read: this.tree.size - from,
          ms: Date.now() - started,
        },
        'audit tree caught up with the event log',
      );
    });
  }

  private onEvent(event: RecordedEvent): void {
    if (this.state === 'failed') return;
    try {
      this.tree.append(event);
    } catch (err) {
      this.failure =
        `the event at position ${event.position} (${event.streamId} revision ` +
        `${event.revision}) has no valid hash: ${(err as Error).message}`;
      this.state = 'failed';
      this.logger.error({ reason: this.failure }, 'audit tree stopped');
      // Not awaited: close() waits for the running handler, which is this one.
      void this.stop().catch(() => undefined);
    }
  }
}
