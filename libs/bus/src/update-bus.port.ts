import { ProjectionUpdate } from '../../domain/src';

export type Unsubscribe = () => void;

/**
 * Projection updates from the projector to the gateways (Kafka in production).
 * At-least-once, in publish order per conversation; consumers dedupe by seq/watermark.
 */
export interface UpdateBus {
  publish(updates: ProjectionUpdate[]): Promise<void>;
  subscribe(handler: (update: ProjectionUpdate) => void): Unsubscribe;
  close(): Promise<void>;
}

/** Ephemeral signals between gateways (typing, presence): at-most-once, never stored. */
export type Signal =
  | { type: 'typing'; conversationId: string; userId: string; recipients: string[] }
  | { type: 'presence'; userId: string; online: boolean; lastSeenAt: string; recipients: string[] };

export interface SignalBus {
  publish(signal: Signal): void;
  subscribe(handler: (signal: Signal) => void): Unsubscribe;
  close(): Promise<void>;
}
