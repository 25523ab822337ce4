import { ProjectionUpdate } from '../../domain/src';

/**
 * A running subscription to a bus, shaped like the event store's Subscription (ready, close):
 * - `ready` resolves once the subscription receives: anything published after it resolved
 *   reaches the handler (in-process: at once; Kafka: once the consumer has joined its group
 *   and been assigned the topic's partitions; Redis: once SUBSCRIBE is acknowledged). It
 *   rejects if the subscription cannot be established (and then nothing is delivered);
 * - `close()` stops delivery and resolves once the handler is no longer called. Idempotent.
 * A handler that throws is logged and skipped: it breaks neither the other subscribers, nor
 * the publisher, nor the delivery of the following items to itself.
 */
export interface BusSubscription {
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Projection updates from the projector to the gateways (Kafka in production).
 * Guarantees (checked by testing/update-bus.contract.ts):
 * - every update published after a subscription is ready reaches it (every subscription,
 *   i.e. every gateway, receives every update: broadcast);
 * - at-least-once, in publish order per conversation; consumers dedupe by seq/watermark;
 * - live only: a new subscription starts at the latest update, never replays older ones
 *   (clients close gaps with `sync` from their cursor).
 * `publish` resolves once the updates are handed over for good (in-process: delivered;
 * Kafka: acknowledged by all in-sync replicas).
 */
export interface UpdateBus {
  publish(updates: ProjectionUpdate[]): Promise<void>;
  subscribe(handler: (update: ProjectionUpdate) => void): BusSubscription;
  close(): Promise<void>;
}

/** Ephemeral signals between gateways (typing, presence): at-most-once, never stored. */
export type GatewaySignal =
  | { type: 'typing'; conversationId: string; userId: string; recipients: string[] }
  | { type: 'presence'; userId: string; online: boolean; lastSeenAt: string; recipients: string[] };

/**
 * Guarantees (testing/signal-bus.contract.ts): a signal published while a subscription is
 * ready reaches it at most once (none when the transport drops it); signals are never stored,
 * so a subscription never receives what was published before it was ready. `publish` never
 * throws and never waits: a signal that cannot be sent is dropped.
 */
export interface SignalBus {
  publish(signal: GatewaySignal): void;
  subscribe(handler: (signal: GatewaySignal) => void): BusSubscription;
  close(): Promise<void>;
}
