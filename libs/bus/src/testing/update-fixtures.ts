import { ProjectionUpdate } from '../../../domain/src';
import { conversationOf } from '../conversation-of';

export { conversationOf };

/**
 * Receipt updates with positions that are unique within a run (padded, so string order is
 * publish order), for the bus contract suites.
 */
export function updateMaker(): (conversationId: string) => ProjectionUpdate {
  let n = 0;
  return (conversationId) => {
    n++;
    return {
      type: 'receipt',
      position: String(n).padStart(20, '0'),
      recipients: ['alice', 'bob'],
      conversationId,
      userId: 'bob',
      deliveredSeq: n,
      readSeq: 0,
    };
  };
}

/** A subscriber's log: positions in arrival order, per conversation. */
export class Received {
  readonly all: ProjectionUpdate[] = [];

  readonly handler = (update: ProjectionUpdate): void => void this.all.push(update);

  has(update: ProjectionUpdate): boolean {
    return this.all.some((u) => u.position === update.position);
  }

  hasAll(updates: ProjectionUpdate[]): boolean {
    const seen = new Set(this.all.map((u) => u.position));
    return updates.every((u) => seen.has(u.position));
  }

  /**
   * Per conversation, the positions in order of FIRST arrival: at-least-once allows repeats
   * (a replayed suffix), but what arrives first must come in publish order.
   */
  firstArrivals(conversationId: string): string[] {
    const seen = new Set<string>();
    for (const u of this.all)
      if (conversationOf(u) === conversationId && !seen.has(u.position)) seen.add(u.position);
    return [...seen];
  }
}
